import { describe, expect, it } from 'vitest';
import { report } from '../../src/core/data.js';
import { handle } from '../../src/core/handle.js';
import type { Answer, Lang } from '../../src/core/types.js';
import { renderText } from '../../src/render/text.js';
import { allAnswers } from '../support/all-answers.js';

/**
 * Nothing on any card says more than the article: the tiers are Hu Jianbo's description of the report,
 * the paths his suggestions for example places, the 26 / 19 / 十余 count the reporter's own.
 */

const ask = (text: string, lang?: Lang): Answer => handle({ text, platform: 'cli', lang });
const HU = /胡坚波|Hu Jianbo/;

/** Wording that would credit a path or a tier to the report itself, or present a suggestion as an assignment. */
const CREDITED_TO_REPORT = [
  /报告(点名|将|把|指定|建议|提出|分为|列为|给出|认为)/,
  /《报告》(点名|将|把|指定|建议|提出|分为|列为|给出)/,
  /report (names|named|assigns|assigned|sorts|suggests|suggested|proposes|gives|puts|places|ranks|recommends)/i,
  /(the report's|report-named|named by the report) (path|tier|strateg)/i,
];

/** Tier numbers the report never uses. */
const NUMBERED_TIER = /第[一二三四1-4]梯队|[一二三四]梯队|\b(first|second|third|fourth|top)[- ]tier\b|\btier (1|2|3|4|one|two|three|four)\b/i;

const pathNames = report.paths.flatMap((p) => [p.zh, p.en]);
const tierNames = report.tiers.flatMap((t) => [t.zh, t.en]);

describe('every card the bot can produce, in both languages', () => {
  const answers = allAnswers();

  it('covers both languages and every kind of answer', () => {
    expect(new Set(answers.map((a) => a.lang))).toEqual(new Set(['zh', 'en']));
    expect(new Set(answers.map((a) => a.intent))).toEqual(
      new Set(['region', 'path', 'tier', 'metrics', 'compare', 'group', 'map', 'help', 'about', 'person', 'ambiguous', 'not-covered', 'unknown']),
    );
  });

  it('never credits a path or a tier to the report', () => {
    for (const a of answers) {
      const text = renderText(a.card);
      for (const pattern of CREDITED_TO_REPORT) expect(text, `${a.card.title}: ${pattern}`).not.toMatch(pattern);
    }
  });

  it('credits Hu Jianbo wherever a path or a tier is stated', () => {
    for (const a of answers) {
      const text = renderText(a.card);
      // Help and "did you mean" cards name tiers and paths only as questions to ask.
      const asStatement = !['unknown', 'help'].includes(a.intent);
      const statesPath = a.strategyIds.length > 0 || (asStatement && pathNames.some((n) => text.includes(n)));
      const statesTier = a.tierIds.length > 0 || (asStatement && tierNames.some((n) => text.includes(n)));
      if (statesPath || statesTier) {
        expect(text, a.card.title).toMatch(HU);
        expect(a.statedBy, a.card.title).toContain('hu-jianbo');
      }
    }
  });

  it('shows a path only as a suggestion ("could" / 可以), never as the region\'s own', () => {
    for (const a of answers.filter((x) => x.strategyIds.length > 0 && ['region', 'path'].includes(x.intent))) {
      expect(renderText(a.card), a.card.title).toMatch(a.lang === 'zh' ? /建议.*可以/ : /[Ss]uggest.*could/);
    }
  });

  it('never numbers the tiers', () => {
    for (const a of answers) expect(renderText(a.card), a.card.title).not.toMatch(NUMBERED_TIER);
  });

  it('says the article was reported from Wuhan, never that the conference was there', () => {
    for (const a of answers) expect(renderText(a.card), a.card.title).not.toMatch(/(in|at) Wuhan|\(Wuhan\)|（武汉）|[在于]武汉|武汉(举办|召开|举行)/);
    expect(renderText(ask('about').card)).toContain('reported from Wuhan');
    expect(renderText(ask('来源').card)).toContain('李雨武汉报道');
  });

  it('shows the reporter\'s count only as the reporter\'s, and the sub-indices as Hu Jianbo\'s', () => {
    for (const a of answers) {
      const text = renderText(a.card);
      if (a.metricIds.includes('regional-deployment')) expect(text, a.card.title).toMatch(/记者|reporter/);
      if (a.metricIds.includes('sub-indices')) expect(text, a.card.title).toMatch(HU);
      if (a.metricIds.length > 0) expect(a.statedBy).toEqual(expect.arrayContaining([...new Set(a.metricIds.map((id) => report.metrics.find((m) => m.id === id)!.by))]));
    }
  });

  it('says on every grouping card that its membership is general knowledge', () => {
    const groups = answers.filter((a) => a.intent === 'group');
    expect(groups.length).toBeGreaterThan(20);
    for (const a of groups) expect(renderText(a.card)).toMatch(a.lang === 'zh' ? /一般常识，并非来自文章/ : /general knowledge, not from the article/);
  });
});

describe('the figures card', () => {
  it('separates the report\'s figures from Hu Jianbo\'s and from the reporter\'s own count', () => {
    const zh = ask('核心数据').card;
    expect(zh.sections.map((s) => s.heading)).toEqual(['《报告》显示', '胡坚波向记者介绍', '文章所述（未注明出处）', '记者梳理（不是《报告》的数据）']);
    expect(zh.sections[3].fields!.map((f) => f.label)).toEqual(['地方部署（记者梳理）']);
    const en = ask('metrics').card;
    expect(en.sections.map((s) => s.heading)).toEqual([
      'From the report', 'Hu Jianbo told the reporter', 'Stated by the article (no source given)', "The reporter's own count (not from the report)",
    ]);
  });

  it('says who states a single figure, beside the article\'s sentence', () => {
    expect(renderText(ask('揭榜挂帅').card)).toContain('21世纪经济报道记者梳理，不是《报告》的数据。原文：全国有26地');
    expect(renderText(ask('sub-indices').card)).toContain('Hu Jianbo, Secretary-General of the Alliance of Industrial Internet, told the reporter.');
    expect(renderText(ask('how much investment').card)).toContain('From the report. Over the past 4 years');
  });
});

describe('the tiers card', () => {
  it('credits the tiers to Hu Jianbo\'s description, as the article does, without calling them the report\'s findings', () => {
    expect(renderText(ask('梯队').card)).toContain('据工业互联网产业联盟秘书长胡坚波介绍，综合基础设施建设、融合应用发展、技术创新能力、产业发展生态四个方面，我国31个省（市、区）');
    expect(renderText(ask('tiers').card)).toContain('As Hu Jianbo, Secretary-General of the Alliance of Industrial Internet, describes them:');
    expect(renderText(ask('tier rising').card)).toMatch(/as Hu Jianbo, .* describes them\./);
  });

  it('still understands a numbered tier as input', () => {
    expect(ask('第一梯队').tierIds).toEqual(['leading']);
    expect(ask('fourth tier').tierIds).toEqual(['nascent']);
  });
});
