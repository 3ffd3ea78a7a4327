import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handle } from '../../src/core/handle.js';
import type { Answer } from '../../src/core/types.js';
import { renderText } from '../../src/render/text.js';

const INTENTS = ['help', 'region', 'tier', 'path', 'metrics', 'compare', 'group', 'about', 'person', 'not-covered', 'ambiguous', 'unknown'];

function expectWellFormed(a: Answer): void {
  expect(INTENTS).toContain(a.intent);
  expect(['zh', 'en']).toContain(a.lang);
  for (const ids of [a.regionIds, a.tierIds, a.strategyIds, a.metricIds, a.groupIds, a.statedBy]) expect(Array.isArray(ids)).toBe(true);
  expect(a.card.title).toBeTruthy();
  expect(renderText(a.card).length).toBeLessThan(20_000);
}

describe('bad input never throws and gets a sensible card', () => {
  const nasty = [
    '', '   ', '\t\n', 'x'.repeat(40_000), '湖北'.repeat(20_000), '\u0000\u0007\u001b[31m', '😀🎉', '👍🏽 湖北 🙏',
    '\u202eپایتخت \u05e9\u05dc\u05d5\u05dd', '<!channel>', '<!here> <!everyone>', '<at id=all></at>', '<at user_id="ou_x">x</at>',
    '*bold* _it_ ~s~ `code`', '<script>alert(1)</script>', '&amp; &lt;', '--lang', '--lang xx', '/iiot /iiot /iiot', '\ud800',
  ];
  for (const text of nasty) {
    it(JSON.stringify(text.slice(0, 30)), () => expectWellFormed(handle({ text, platform: 'slack' })));
  }

  it('echoes markup back only inside the card text (renderers escape it), cut to a sane length', () => {
    const a = handle({ text: `<!channel> ${'z'.repeat(500)}`, platform: 'slack' });
    expect(a.intent).toBe('unknown');
    const echo = a.card.sections[0].text!;
    expect(echo).toContain('<!channel>');
    expect(echo.length).toBeLessThan(150);
  });

  it('holds for arbitrary strings (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => expectWellFormed(handle({ text, platform: 'feishu' }))), { numRuns: 500 });
    fc.assert(fc.property(fc.array(fc.constantFrom('湖北', 'hubei', ' ', '对比', 'tier', '<@U1>', '@_user_1', '?', '广', 'shanxi', '香港', '--lang', 'zh'), { maxLength: 12 }),
      (parts) => expectWellFormed(handle({ text: parts.join(''), platform: 'slack' }))), { numRuns: 500 });
  }, 60_000); // a thousand questions: generous on a loaded machine
});
