/** The Block Kit renderer on its own: escaping, limits, trimming, Slack-only buttons. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapImage } from '../../src/core/pictures.js';
import { handle } from '../../src/core/handle.js';
import type { Answer, Card } from '../../src/core/types.js';
import {
  escapeMrkdwn, fallbackText, HOME_ACTION_ID, renderSlackAnswer, renderSlackCard, renderSlackFailure, renderSlackHome, renderSlackJson,
  SHARE_ACTION_ID, SLACK_LIMITS,
} from '../../src/render/slack.js';
import { blockKitViolations } from '../fakes/slack-api.js';

const card = (over: Partial<Card> = {}): Card => ({ title: 'Hubei', tone: 'leading', sections: [], actions: [], ...over });
const answer = (c: Card, lang: 'zh' | 'en' = 'en'): Answer => ({ intent: 'region', lang, regionIds: [], tierIds: [], strategyIds: [], metricIds: [], groupIds: [], statedBy: [], card: c });
const buttons = (blocks: any[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);
const mrkdwnTexts = (blocks: any[]): string[] => blocks.flatMap((b) => [
  ...(b.text?.type === 'mrkdwn' ? [b.text.text] : []),
  ...(b.fields ?? []).map((f: any) => f.text),
  ...(b.type === 'context' ? b.elements.map((e: any) => e.text) : []),
]);

describe('escaping', () => {
  it('escapes exactly &, < and >', () => {
    expect(escapeMrkdwn('<!channel> & <@U123> > <https://x|y> *bold* _i_')).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt; &gt; &lt;https://x|y&gt; *bold* _i_');
  });

  it('makes user text in every mrkdwn place inert, and the fallback too', () => {
    const evil = '<!channel> <!here> <@U0BOSS> <#C1> <!subteam^S1> <https://evil|click> & co';
    const { text, blocks } = renderSlackCard(card({
      title: evil, subtitle: evil, source: evil,
      sections: [{ heading: evil, text: evil, items: [evil], fields: [{ label: evil, value: evil }] }],
      actions: [{ label: evil, command: 'help' }],
    }));
    for (const t of [...mrkdwnTexts(blocks), text]) {
      expect(t).not.toMatch(/[<>]/);
      expect(t).toContain('&lt;!channel&gt;');
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    expect(blockKitViolations(blocks)).toEqual([]);
    // plain_text is never parsed for mentions, so it is shown as typed rather than entity-encoded.
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: evil } });
  });
});

describe('structure', () => {
  it('renders header, subtitle, sections with bold headings and bullets, fields, source and buttons', () => {
    const { blocks, text } = renderSlackCard(card({
      subtitle: 'Leading the Way',
      sections: [{ heading: 'Traits', text: 'Strong.', items: ['a', 'b'] }, { fields: [{ label: 'Tier', value: 'Leading the Way' }] }],
      image: mapImage('en', ['hubei']),
      source: 'Source: 21st Century Business Herald',
      actions: [{ label: 'Members', command: 'tier leading --lang en', style: 'primary' }, { label: 'Paths', command: 'path' }],
    }), { pictureUrl: 'https://bot.example.com/pictures/0123456789abcdef01234567.png' });
    expect(blocks.map((b) => b.type)).toEqual(['header', 'context', 'section', 'section', 'image', 'context', 'actions']);
    expect((blocks[2] as any).text.text).toBe('*Traits*\nStrong.\n• a\n• b');
    expect(blocks[4]).toEqual({ type: 'image', image_url: 'https://bot.example.com/pictures/0123456789abcdef01234567.png', alt_text: mapImage('en', ['hubei']).alt });
    expect((blocks[3] as any).fields[0].text).toBe('*Tier*\nLeading the Way');
    expect(buttons(blocks)).toEqual([
      { type: 'button', text: { type: 'plain_text', text: 'Members', emoji: true }, action_id: 'iiot:0', value: 'tier leading --lang en', style: 'primary' },
      { type: 'button', text: { type: 'plain_text', text: 'Paths', emoji: true }, action_id: 'iiot:1', value: 'path' },
    ]);
    expect(text).toContain('Hubei');
    expect(text).toContain('Tier: Leading the Way');
  });

  it('adds Share in channel in the answer\'s language, carrying the command', () => {
    const en = renderSlackAnswer(answer(card(), 'en'), { share: 'what tier is Hubei in' });
    const zh = renderSlackAnswer(answer(card(), 'zh'), { share: '湖北' });
    expect(buttons(en.blocks).at(-1)).toMatchObject({ action_id: SHARE_ACTION_ID, value: 'what tier is Hubei in', text: { text: 'Share in channel' } });
    expect(buttons(zh.blocks).at(-1)).toMatchObject({ action_id: SHARE_ACTION_ID, value: '湖北', text: { text: '分享到频道' } });
  });

  it('drops a button whose command cannot fit a value instead of cutting the command', () => {
    const { blocks } = renderSlackCard(card({ actions: [{ label: 'ok', command: 'help' }, { label: 'long', command: 'x'.repeat(2001) }] }), { share: 'y'.repeat(2001) });
    expect(buttons(blocks).map((b: any) => b.value)).toEqual(['help']);
  });

  it('splits long text and more than 10 fields instead of losing them', () => {
    const long = Array.from({ length: 40 }, (_, i) => `line ${i} ${'x'.repeat(100)}`).join('\n');
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `L${i}`, value: `V${i}` }));
    const { blocks } = renderSlackCard(card({ sections: [{ text: long, fields }] }));
    expect(blockKitViolations(blocks)).toEqual([]);
    const sections = blocks.filter((b) => b.type === 'section') as any[];
    expect(sections.filter((s) => s.text).map((s) => s.text.text).join('\n')).toBe(long);
    expect(sections.filter((s) => s.fields).map((s) => s.fields.length)).toEqual([10, 10, 3]);
  });

  it('puts more than 25 buttons in several action rows', () => {
    const actions = Array.from({ length: 31 }, (_, i) => ({ label: `R${i}`, command: `region r${i}` }));
    const { blocks } = renderSlackCard(card({ actions }));
    expect(blocks.filter((b) => b.type === 'actions').map((b: any) => b.elements.length)).toEqual([25, 6]);
    expect(blockKitViolations(blocks)).toEqual([]);
  });

  it('cuts header and button text at their limits with an ellipsis', () => {
    const { blocks } = renderSlackCard(card({ title: '湖'.repeat(200), actions: [{ label: 'b'.repeat(100), command: 'help' }] }));
    const header = (blocks[0] as any).text.text as string;
    expect(header).toHaveLength(SLACK_LIMITS.header);
    expect(header.endsWith('…')).toBe(true);
    expect(buttons(blocks)[0].text.text).toHaveLength(SLACK_LIMITS.buttonText);
  });

  it('never cuts a surrogate pair or an entity in half', () => {
    const { blocks } = renderSlackCard(card({ title: '😀'.repeat(100), sections: [{ text: '&'.repeat(3000) }] }));
    expect((blocks[0] as any).text.text).not.toMatch(/[\ud800-\udbff]…$/);
    expect(blockKitViolations(blocks)).toEqual([]);
  });
});

describe('trimming', () => {
  it('keeps a huge card within 50 blocks and 12k characters, keeps header, source and buttons, and says so', () => {
    const sections = Array.from({ length: 80 }, (_, i) => ({ heading: `Section ${i}`, text: 'x'.repeat(500) }));
    const actions = [{ label: 'Next', command: 'metrics --page 2' }];
    const { blocks } = renderSlackAnswer(answer(card({ sections, source: 'Source', actions }), 'en'));
    expect(blockKitViolations(blocks)).toEqual([]);
    expect(blocks[0].type).toBe('header');
    expect(buttons(blocks).map((b: any) => b.value)).toEqual(['metrics --page 2']);
    expect(JSON.stringify(blocks)).toContain('Trimmed to fit one Slack message');
    expect(JSON.stringify(blocks)).toContain('Source');
  });

  it('says so in Chinese for a Chinese answer', () => {
    const sections = Array.from({ length: 60 }, (_, i) => ({ text: `第${i}段` }));
    expect(JSON.stringify(renderSlackAnswer(answer(card({ sections }), 'zh')).blocks)).toContain('内容较长');
  });

  it('does not trim a card that fits', () => {
    const { blocks } = renderSlackCard(card({ sections: [{ text: 'short' }] }));
    expect(JSON.stringify(blocks)).not.toContain('Trimmed');
  });
});

describe('App Home', () => {
  it('stacks answers with a divider, unique action ids, and an optional way back', () => {
    const a = answer(card({ title: 'A', actions: [{ label: 'x', command: 'tier' }] }), 'zh');
    const b = answer(card({ title: 'B', actions: [{ label: 'y', command: 'tier' }] }), 'en');
    const view = renderSlackHome([a, b], { back: 'en' });
    expect(view.type).toBe('home');
    expect(view.blocks.map((x) => x.type)).toEqual(['header', 'actions', 'divider', 'header', 'actions', 'actions']);
    expect(buttons(view.blocks).map((x: any) => x.action_id)).toEqual(['iiot:0', 'iiot:1', HOME_ACTION_ID]);
    expect(buttons(view.blocks).at(-1)).toMatchObject({ value: 'en', text: { text: 'Back to overview' } });
    expect(blockKitViolations(view.blocks, { maxBlocks: 100, maxChars: Infinity })).toEqual([]);
  });

  it('stays within 100 blocks even for two huge answers', () => {
    const sections = Array.from({ length: 80 }, (_, i) => ({ text: `s${i}` }));
    const view = renderSlackHome([answer(card({ sections }), 'zh'), answer(card({ sections }), 'en')], { back: 'both' });
    expect(view.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.homeBlocks);
    expect(blockKitViolations(view.blocks, { maxBlocks: 100, maxChars: Infinity })).toEqual([]);
  });
});

describe('any card at all', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 400 });
  const bigText = fc.oneof(text, fc.string({ minLength: 2500, maxLength: 5000 }));
  const arbCard: fc.Arbitrary<Card> = fc.record({
    title: fc.oneof(text, fc.string({ minLength: 140, maxLength: 300 })),
    subtitle: fc.option(text, { nil: undefined }),
    tone: fc.constantFrom('leading', 'rising', 'catching-up', 'nascent', 'info', 'warning'),
    sections: fc.array(fc.record({
      heading: fc.option(text, { nil: undefined }),
      text: fc.option(bigText, { nil: undefined }),
      items: fc.option(fc.array(text, { maxLength: 40 }), { nil: undefined }),
      fields: fc.option(fc.array(fc.record({ label: text, value: bigText }), { maxLength: 35 }), { nil: undefined }),
    }), { maxLength: 60 }),
    source: fc.option(text, { nil: undefined }),
    actions: fc.array(fc.record({ label: text, command: fc.string({ minLength: 1, maxLength: 2100 }) }), { maxLength: 60 }),
  });

  it('renders within every Block Kit limit, escaped, with a fallback text', () => {
    fc.assert(fc.property(arbCard, fc.option(fc.string({ maxLength: 2100 }), { nil: undefined }), (c, share) => {
      const { blocks, text: fallback } = renderSlackCard(c, { share });
      expect(blockKitViolations(blocks)).toEqual([]);
      expect(blocks[0].type).toBe('header');
      expect(fallback.length).toBeGreaterThan(0);
      expect(fallback.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
      expect(fallback).not.toMatch(/[<>]/);
      expect(fallbackText(c)).toBe(fallback);
    }), { numRuns: 150 });
  }, 30_000); // 150 random cards: seconds on a loaded machine

  it('is sent as JSON with exactly the bytes of the rendered message, trimmed or not', () => {
    fc.assert(fc.property(arbCard, fc.constantFrom<'zh' | 'en'>('zh', 'en'), fc.option(fc.string({ maxLength: 2100 }), { nil: undefined }), (c, lang, share) => {
      const a = answer(c, lang);
      expect(renderSlackJson(a, { share }, { response_type: 'ephemeral' }))
        .toBe(JSON.stringify({ response_type: 'ephemeral', ...renderSlackAnswer(a, { share }) }));
      expect(renderSlackJson(a, { share })).toBe(JSON.stringify(renderSlackAnswer(a, { share })));
    }), { numRuns: 100 });
    expect(JSON.parse(renderSlackJson(undefined, {}, { response_type: 'ephemeral' }))).toEqual({ response_type: 'ephemeral', ...renderSlackFailure() });
  }, 30_000);
});

describe('the notification text', () => {
  it('states a region\'s tier once, in either language, and still states it', () => {
    const notification = (q: string) => renderSlackAnswer(handle({ text: q, platform: 'slack' })).text.split('\n');
    const en = notification('Henan');
    expect(en.slice(0, 2)).toEqual(['Henan 河南', 'Tier: Rapid Rise (one of 11)']);
    expect(en.filter((l) => l.includes('Rapid Rise'))).toHaveLength(1);
    const zh = notification('河南');
    expect(zh.slice(0, 2)).toEqual(['河南', '梯队: 快速崛起（11个地区之一）']);
    expect(zh.filter((l) => l.includes('快速崛起'))).toHaveLength(1);
    // A tier card's member count, said by its subtitle and its list's heading alike.
    expect(notification('tier rising --lang en').filter((l) => l === '11 regions')).toHaveLength(1);
  });

  it('keeps a subtitle that the card does not say again', () => {
    const c = card({ subtitle: 'Tier: Leading the Way', sections: [{ fields: [{ label: 'Suggested path', value: 'Flagships lead' }] }] });
    expect(fallbackText(c).split('\n')).toEqual(['Hubei', 'Tier: Leading the Way', 'Suggested path: Flagships lead']);
  });
});
