/**
 * The Feishu card renderer: every card the bot can produce, in both languages, is valid card JSON
 * 2.0 within Feishu's limits, and user text can never mention anyone or restyle a card.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handle } from '../../src/core/handle.js';
import { report } from '../../src/core/data.js';
import { barsImage, mapImage, TIER_COLORS } from '../../src/core/pictures.js';
import type { Card } from '../../src/core/types.js';
import {
  cardRequestBytes, countComponents, escapeFeishuMarkdown, FEISHU_MAX_BODY_BYTES, FEISHU_MAX_COMPONENTS,
  feishuCardJson, renderFeishuCard, TONE_TEMPLATE,
} from '../../src/render/feishu.js';
import { allAnswers } from '../support/all-answers.js';
import { cardButtons, cardText, cardViolations } from '../fakes/feishu-api.js';

const markdownContents = (card: unknown): string[] => {
  const out: string[] = [];
  const visit = (v: any): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    if (v.tag === 'markdown') out.push(v.content);
    Object.values(v).forEach(visit);
  };
  visit(card);
  return out;
};

/** What Feishu markdown reads as markup, once our own `**bold**` and `- ` bullets are set aside. */
function markupIn(content: string): string[] {
  const own = content.replace(/&#\d+;/g, '').replace(/^\*\*(.*)\*\*(: |$)/gm, '$1 ').replace(/^- /gm, '');
  return own.match(/[<>*_~`[\]()#|:!\\]|^\s{4}|^\d+\.|^[-+=]/gm) ?? [];
}

describe('escapeFeishuMarkdown', () => {
  it('turns mentions and markup typed by a user into the characters they are', () => {
    const hostile = '<at id=all></at> <at user_id="ou_x">x</at> **bold** [link](https://evil.example) :OK: `code` # h ~~s~~ <font color=red>r</font>';
    const escaped = escapeFeishuMarkdown(hostile);
    expect(escaped.replace(/&#\d+;/g, '')).not.toMatch(/[<>*[\]`~#:]/);
    expect(escaped).toContain('&#60;at id&#61;all&#62;&#60;&#47;at&#62;');
  });

  it('keeps lines from becoming lists, quotes, headings or code blocks', () => {
    const escaped = escapeFeishuMarkdown('1. one\n- two\n> three\n# four\n    five\n---\nwww.evil.com');
    for (const line of escaped.split('\n')) expect(line).not.toMatch(/^(\d+\.|[-+>#=]|\s)/);
    expect(escaped).not.toMatch(/www\.evil/);
  });

  it('leaves Chinese text and ordinary punctuation readable', () => {
    expect(escapeFeishuMarkdown('湖北属于示范引领梯队，占比超过70%。')).toBe('湖北属于示范引领梯队，占比超过70%。');
  });

  it('never lets arbitrary text produce markup (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
      const escaped = escapeFeishuMarkdown(s);
      // Only our numeric entities remain (a user's own `&lt;` shows as `&lt;`).
      expect(escaped.replace(/&#\d+;/g, '')).not.toMatch(/[<>*_~`[\]()#|:!\\"'$&]/);
    }), { numRuns: 300 });
  });
});

describe('renderFeishuCard', () => {
  const card: Card = {
    title: '湖北',
    subtitle: 'Hubei',
    tone: 'leading',
    sections: [
      { fields: [{ label: '梯队', value: '示范引领' }] },
      { heading: '特点', text: '基础设施超前布局', items: ['a', 'b'] },
    ],
    source: '21世纪经济报道，2021-11-21',
    actions: [{ label: '梯队：示范引领', command: 'tier leading --lang zh', style: 'primary' }, { label: '核心数据', command: 'metrics --lang zh' }],
  };

  it('is card JSON 2.0 with a tier-coloured header, label/value columns, callback buttons and a source note', () => {
    const out = renderFeishuCard(card, { lang: 'zh' });
    expect(cardViolations(out)).toEqual([]);
    expect(out.schema).toBe('2.0');
    expect(out.header).toMatchObject({ title: { tag: 'plain_text', content: '湖北' }, subtitle: { content: 'Hubei' }, template: TONE_TEMPLATE.leading });
    const columns = out.body.elements.find((e) => e.tag === 'column_set' && e.flex_mode === 'none');
    expect(columns).toMatchObject({ columns: [{ elements: [{ content: '**梯队**' }] }, { elements: [{ content: '示范引领' }] }] });
    expect(cardButtons(out)).toEqual([{ label: '梯队：示范引领', cmd: 'tier leading --lang zh' }, { label: '核心数据', cmd: 'metrics --lang zh' }]);
    expect(out.body.elements.at(-1)).toMatchObject({ tag: 'markdown', text_size: 'notation' });
    expect(cardText(out)).toContain('21世纪经济报道，2021-11-21');
  });

  it('gives every tone its own colour', () => {
    expect(new Set(Object.values(TONE_TEMPLATE)).size).toBe(Object.keys(TONE_TEMPLATE).length);
  });

  it('shows an uploaded picture only when it has a key, with its alt text', () => {
    const withImage: Card = { ...card, image: mapImage('zh', ['hubei']) };
    expect(renderFeishuCard(withImage).body.elements.some((e) => e.tag === 'img')).toBe(false);
    const img = renderFeishuCard(withImage, { imageKey: 'img_v3_1' }).body.elements.find((e) => e.tag === 'img');
    expect(img).toMatchObject({ tag: 'img', img_key: 'img_v3_1', alt: { tag: 'plain_text', content: expect.stringContaining('中国31个省级地区') } });
  });

  it('draws bars per tier with the chart component (a VChart bar spec), in the legend\'s colours', () => {
    const out = renderFeishuCard({ ...card, image: barsImage('en') }, { lang: 'en' });
    expect(cardViolations(out)).toEqual([]);
    const chart = out.body.elements.find((e) => e.tag === 'chart') as any;
    expect(chart.chart_spec).toMatchObject({ type: 'bar', xField: 'tier', yField: 'regions', color: Object.values(TIER_COLORS) });
    expect(chart.chart_spec.data[0].values).toEqual(report.tiers.map((t) => ({ tier: t.en, regions: t.members.length })));
  });

  it('measures the card as the request carries it: a JSON string inside the JSON body', () => {
    // Quotes, backslashes, control characters, CJK, emoji and lone surrogates in any text of the card.
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (a, b) => {
      const out = renderFeishuCard({ ...card, title: `${a}"\\`, sections: [{ heading: b, text: `${a}\n${b}`, items: [a] }] });
      expect(feishuCardJson(out)).toBe(JSON.stringify(out));
      expect(cardRequestBytes(out)).toBe(Buffer.byteLength(JSON.stringify(JSON.stringify(out)), 'utf8'));
    }), { numRuns: 200 });
  }, 30_000);

  it('trims an over-long answer, says so, and stays within the limits', () => {
    const huge: Card = {
      ...card,
      sections: Array.from({ length: 80 }, (_, i) => ({ heading: `part ${i}`, text: '数'.repeat(3000), fields: [{ label: 'l', value: 'v' }] })),
      actions: Array.from({ length: 40 }, (_, i) => ({ label: `button ${i} ${'x'.repeat(200)}`, command: `region r${i}` })),
    };
    for (const lang of ['zh', 'en'] as const) {
      const out = renderFeishuCard(huge, { lang });
      expect(cardViolations(out)).toEqual([]);
      expect(cardRequestBytes(out)).toBeLessThanOrEqual(FEISHU_MAX_BODY_BYTES);
      expect(countComponents(out)).toBeLessThanOrEqual(FEISHU_MAX_COMPONENTS);
      expect(cardText(out)).toMatch(lang === 'zh' ? /省略了 \d+ 部分/ : /\d+ parts? left out/);
    }
  });

  it('keeps a hostile title plain and a hostile command inside its callback value', () => {
    const out = renderFeishuCard({ ...card, title: '<at id=all></at>\n**x**', actions: [{ label: '<at id=all></at>', command: '<at id=all></at> tier' }] });
    expect(out.header.title).toEqual({ tag: 'plain_text', content: '<at id=all></at> **x**' });
    expect(cardButtons(out)[0]).toEqual({ label: '<at id=all></at>', cmd: '<at id=all></at> tier' });
    for (const content of markdownContents(out)) expect(content).not.toContain('<at');
  });
});

describe('every card the bot can produce', () => {
  const answers = allAnswers();
  // Added to the shared list: what Feishu users type that other platforms never see.
  const feishuOnly = ['@_user_1 湖北是哪个梯队', '@_user_1 /iiot 湖北', '<at id=all></at> 湖北', '<at user_id="ou_x">x</at> **粗体** [链接](https://evil.example)']
    .flatMap((text) => (['zh', 'en'] as const).map((lang) => handle({ text, platform: 'feishu', lang })));

  it('covers both languages', () => {
    expect(new Set(answers.map((a) => a.lang))).toEqual(new Set(['zh', 'en']));
    expect(answers.length).toBeGreaterThan(100);
  });

  it('renders to valid card JSON 2.0 within 30 KB and the component budget, in both languages', () => {
    for (const answer of [...answers, ...feishuOnly]) {
      const out = renderFeishuCard(answer.card, { lang: answer.lang });
      const where = `${answer.intent}/${answer.lang}: ${answer.card.title.slice(0, 40)}`;
      expect(cardViolations(out), where).toEqual([]);
      expect(cardRequestBytes(out), where).toBeLessThanOrEqual(FEISHU_MAX_BODY_BYTES);
      expect(countComponents(out), where).toBeLessThanOrEqual(FEISHU_MAX_COMPONENTS);
      expect(out.header.template, where).toBe(TONE_TEMPLATE[answer.card.tone]);
      // Every button runs a command through the core, and fits its label.
      for (const b of cardButtons(out)) {
        expect(b.cmd, where).toBeTruthy();
        expect(b.label.length, where).toBeLessThanOrEqual(40);
      }
    }
  });

  it('never lets any text on any card act as markup', () => {
    for (const answer of [...answers, ...feishuOnly]) {
      for (const content of markdownContents(renderFeishuCard(answer.card, { lang: answer.lang }))) {
        expect(markupIn(content), content.slice(0, 80)).toEqual([]);
      }
    }
  });

  it('shows the same words the core wrote (nothing lost to escaping)', () => {
    for (const answer of answers.slice(0, 80)) {
      const text = cardText(renderFeishuCard(answer.card, { lang: answer.lang }));
      for (const section of answer.card.sections) {
        for (const f of section.fields ?? []) expect(text).toContain(f.value.trim().split('\n')[0]!.replace(/^\s+/, '').slice(0, 30));
      }
    }
  });
});
