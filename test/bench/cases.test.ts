import { describe, expect, it } from 'vitest';
import { handle } from '../../src/core/handle.js';
import { CASES } from './core.js';

// The bench refuses to time a question that takes the wrong path; this keeps `npm test` in step with it.
describe('bench cases', () => {
  for (const c of CASES) {
    it(`${c.label} answers ${c.intent}`, () => {
      const answer = handle({ text: c.text, platform: 'cli' });
      expect(answer.intent).toBe(c.intent);
      if (c.regions) expect(answer.regionIds).toEqual(c.regions);
    });
  }
});
