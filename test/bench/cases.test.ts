import { describe, expect, it } from 'vitest';
import { converse } from '../../src/core/handle.js';
import { CASES } from './core.js';

// The bench refuses to time a question that takes the wrong path; this keeps `npm test` in step with it.
describe('bench cases', () => {
  for (const c of CASES) {
    it(`${c.label} answers ${c.intent}`, () => {
      const context = c.after === undefined ? undefined : converse({ text: c.after, platform: 'cli' }).context;
      const { answer } = converse({ text: c.text, platform: 'cli' }, context);
      expect(answer.intent).toBe(c.intent);
      if (c.regions) expect(answer.regionIds).toEqual(c.regions);
    });
  }
});
