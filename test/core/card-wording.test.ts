import { describe, expect, it } from 'vitest';
import { handle } from '../../src/core/handle.js';
import type { Lang } from '../../src/core/types.js';
import { renderText } from '../../src/render/text.js';

/**
 * The wording of the cards that state tiers, paths, figures and groupings, in each language, as a reviewer
 * reads it: who says what, how firmly, and what is general knowledge. A change shows up as a snapshot diff.
 */
const QUESTIONS = [
  'region hubei', 'region yunnan', 'region guangdong', 'path tianjin', 'tier all', 'tier nascent', 'path all', 'path radiate-outward',
  'metrics', 'metrics regional-deployment', 'about', 'compare hebei henan', 'compare all',
  'group yangtze-river-delta', 'group greater-bay-area', 'group west', 'group jing-jin-ji hubei',
];

for (const lang of ['zh', 'en'] as Lang[]) {
  describe(`card wording (${lang})`, () => {
    for (const q of QUESTIONS) {
      it(q, () => expect(renderText(handle({ text: q, platform: 'cli', lang }).card)).toMatchSnapshot());
    }
  });
}
