import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupings, regionById, report, tierOf } from '../../src/core/data.js';
import { checkShippedData, parseGroupings, parseReport } from '../../src/core/data-schema.js';
import { SOURCE_ENV, sourceText } from '../support/sources.js';

// The article the whole dataset comes from, and the glossary of its ids: outside the repository, so
// checked only where the environment names them (test/support/sources.ts); every other test runs anywhere.
const article = sourceText('article') ?? '';
const glossary = sourceText('glossary') ?? '';
const skipped = [!article && `the article (${SOURCE_ENV.article})`, !glossary && `the glossary (${SOURCE_ENV.glossary})`].filter(Boolean);
if (skipped.length) console.warn(`dataset: checks of data/ against ${skipped.join(' and ')} skipped: set the variable to the file's path to run them`);

const rawData = JSON.parse(readFileSync(new URL('../../data/report.json', import.meta.url), 'utf8'));

describe('dataset', () => {
  it('has 31 regions in four tiers of 6 + 11 + 10 + 4, each region in exactly one', () => {
    expect(report.tiers.map((t) => [t.id, t.members.length])).toEqual([
      ['leading', 6], ['rising', 11], ['catching-up', 10], ['nascent', 4],
    ]);
    const all = report.tiers.flatMap((t) => t.members);
    expect(all).toHaveLength(31);
    expect(new Set(all).size).toBe(31);
    expect(report.regions.map((r) => r.id).sort()).toEqual([...all].sort());
    for (const r of report.regions) expect(r.long.startsWith(r.zh), r.id).toBe(true);
    expect(tierOf.get('hubei')!.id).toBe('leading');
  });

  it('ships files that pass the schemas and their cross-checks (the build checks them too)', () => {
    expect(() => checkShippedData()).not.toThrow();
  });

  it('rejects data that puts a region in two tiers or names an unknown region', () => {
    const twice = structuredClone(rawData);
    twice.tiers[1].members.push('hubei');
    expect(() => parseReport(twice)).toThrow(/hubei is in tiers leading and rising/);
    const unknown = structuredClone(rawData);
    unknown.paths[0].named.push({ region: 'atlantis' });
    expect(() => parseReport(unknown)).toThrow(/unknown region atlantis/);
    const extra = structuredClone(rawData);
    extra.regions[0].population = 1;
    expect(() => parseReport(extra)).toThrow();
  });
});

describe.skipIf(!glossary)('dataset against the glossary', () => {
  it('uses the glossary ids, adcodes and names', () => {
    for (const r of report.regions) {
      expect(glossary).toContain(`| ${r.id} | ${r.adcode} | ${r.zh} | ${r.short} | ${r.en} | ${r.pinyin} |`);
    }
    for (const id of [...report.tiers, ...report.paths, ...report.metrics].map((x) => x.id)) expect(glossary).toContain(`\`${id}\``);
  });
});

describe.skipIf(!article)('dataset against the article', () => {
  it("lists each tier exactly as the article's paragraph does, in its order", () => {
    for (const tier of report.tiers) {
      const names = tier.members.map((id) => report.regions.find((r) => r.id === id)!.zh);
      const paragraph = article.split('\n').find((line) => line.includes(`“${tier.zh}”`) && names.every((n) => line.includes(n)));
      expect(paragraph, tier.id).toBeDefined();
      const positions = names.map((n) => paragraph!.indexOf(n));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(paragraph).toContain(`${tier.members.length}个`);
      expect(paragraph).toContain(tier.traits.zh);
      if (tier.note) expect(paragraph).toContain(tier.note.zh);
    }
  });

  it('quotes every figure verbatim, with its numbers', () => {
    expect(report.metrics).toHaveLength(14);
    for (const m of report.metrics) {
      expect(article, m.id).toContain(m.quote);
      for (const n of m.numbers) expect(m.quote, `${m.id}: ${n}`).toContain(n);
    }
  });

  it('names the paths and their regions as the article does, Shenzhen as a city of Guangdong', () => {
    for (const p of report.paths) {
      expect(article).toContain(`“${p.zh}”`);
      expect(article).toContain(p.profile.zh);
      expect(article).toContain(p.approach.zh);
      const sentence = article.split('\n').find((l) => l.includes(p.zh))!;
      for (const n of p.named) expect(sentence).toContain(n.city ? n.city.zh : report.regions.find((r) => r.id === n.region)!.zh);
    }
    const radiate = report.paths.find((p) => p.id === 'radiate-outward')!;
    expect(radiate.named).toContainEqual({ region: 'guangdong', city: { zh: '深圳', en: 'Shenzhen' } });
  });

  it('carries the report metadata, dimensions and people from the article', () => {
    for (const s of [report.report.title.zh, report.report.event.zh, report.source.publisher.zh, report.source.reporter.zh, report.source.intern.zh, report.source.headline]) {
      expect(article).toContain(s);
    }
    expect(article).toContain(`${report.indicatorCount}个指标`);
    expect(report.dimensions.map((d) => d.zh)).toEqual(['基础设施建设', '融合应用发展', '技术创新能力', '产业发展生态']);
    for (const d of report.dimensions) expect(article).toContain(d.zh);
    for (const p of report.people) {
      expect(article).toContain(p.zh);
      expect(article).toContain(p.role.zh);
      for (const q of p.quotes) expect(article).toContain(q.zh.replace(/。$/, ''));
    }
  });

  it('carries the dateline as the article gives it, not as a venue', () => {
    expect(article).toContain(`${report.source.intern.zh} ${report.source.dateline.zh}`);
    expect(report.source.dateline.en).toBe('reported from Wuhan');
    expect(JSON.stringify(report.report)).not.toContain('武汉');
  });
});

/** The article's paragraphs, tags stripped. */
const paragraphs = article.split('\n').map((l) => l.replace(/<[^>]+>/g, '').trim()).filter(Boolean);
const paragraphOf = (s: string): string => {
  const found = paragraphs.find((p) => p.includes(s));
  expect(found, s).toBeDefined();
  return found!;
};
const personZh = (id: string) => report.people.find((p) => p.id === id)!.zh;

describe.skipIf(!article)('who states each fact', () => {
  it('credits the description of the four tiers to Hu Jianbo, in his verbatim sentence, and each tier to what follows it', () => {
    const intro = report.statements.tiers;
    expect(intro.by).toBe('hu-jianbo');
    expect(article).toContain(intro.sentence);
    expect(intro.sentence.startsWith(`${personZh(intro.by)}表示`)).toBe(true);
    for (const tier of report.tiers) {
      expect(tier.said.by, tier.id).toBe(intro.by);
      expect(article, tier.id).toContain(tier.said.sentence);
      expect(tier.said.sentence).toContain(`“${tier.zh}”`);
      // Nothing between Hu Jianbo's introduction and the tier's sentence hands the word to anyone else.
      const between = article.slice(article.indexOf(intro.sentence), article.indexOf(tier.said.sentence));
      expect(between.length, tier.id).toBeGreaterThan(0);
      expect(between, tier.id).not.toMatch(/《报告》|记者|赵志国/);
    }
  });

  it('records each path as Hu Jianbo\'s suggestion (可以…) for example places, in his verbatim sentence', () => {
    const intro = report.statements.paths;
    expect(intro.by).toBe('hu-jianbo');
    expect(article).toContain(intro.sentence);
    expect(intro.sentence.startsWith(`${personZh(intro.by)}表示`)).toBe(true);
    for (const p of report.paths) {
      expect(p.said.by, p.id).toBe(intro.by);
      expect(article, p.id).toContain(p.said.sentence);
      const between = article.slice(article.indexOf(intro.sentence), article.indexOf(p.said.sentence));
      expect(between, p.id).not.toMatch(/《报告》|记者|赵志国/);
      // The places are examples, as the article words them, and the suggestion is a "could".
      expect(p.said.sentence).toContain(p.examples.zh);
      expect(p.examples.zh).toMatch(/^以.+为代表的|等地$/);
      expect(p.examples.en).toMatch(/such as/);
      expect(p.said.sentence).toContain(p.proposal.zh);
      expect(p.proposal.zh).toMatch(new RegExp(`^可以.+“${p.zh}”`));
      expect(p.proposal.en).toMatch(new RegExp(`^could .+"${p.en}"`));
      for (const n of p.named) expect(p.examples.zh).toContain(n.city ? n.city.zh : regionById.get(n.region)!.zh);
    }
  });

  it('credits each figure as its paragraph does: the report (《报告》显示, 中称), Hu Jianbo, the reporter\'s own count, or the article itself', () => {
    const by = Object.fromEntries(report.metrics.map((m) => [m.id, m.by]));
    expect(by['sub-indices']).toBe('hu-jianbo');
    expect(by['regional-deployment']).toBe('reporter');
    for (const m of report.metrics) {
      const paragraph = paragraphOf(m.quote);
      const names = /胡坚波|赵志国|记者/;
      if (m.by === 'reporter') expect(paragraph, m.id).toContain('21世纪经济报道记者梳理发现');
      else if (m.by === 'report') expect(paragraph, m.id).toMatch(/^《报告》|《报告》(显示|中称)/);
      else if (m.by === 'article') expect(paragraph, m.id).not.toMatch(/《报告》|胡坚波|赵志国|记者/);
      else expect(paragraph, m.id).toContain(`${personZh(m.by)}向21世纪经济报道记者介绍`);
      if (m.by === 'report') expect(paragraph, m.id).not.toMatch(names);
    }
    expect(report.metrics.filter((m) => m.by === 'article').map((m) => m.id)).toEqual([
      'special-funds', 'data-value', 'sme-recovery', 'pilot-projects', 'listings', '5g-coverage', '5g-projects',
    ]);
    const deployment = report.metrics.find((m) => m.id === 'regional-deployment')!;
    expect(deployment.en).toMatch(/^The reporter found/);
    expect(deployment.label.en).toMatch(/reporter/);
    expect(deployment.label.zh).toContain('记者');
  });
});

describe('the English keeps the article\'s wording', () => {
  it('keeps the article\'s hedges and scope in English', () => {
    const path = (id: string) => report.paths.find((p) => p.id === id)!;
    const tier = (id: string) => report.tiers.find((t) => t.id === id)!;
    const metric = (id: string) => report.metrics.find((m) => m.id === id)!;
    expect(path('lead-then-scale').profile.zh).toContain('较为丰富');
    expect(path('lead-then-scale').profile.en).toMatch(/^Relatively rich/);
    expect(tier('nascent').traits.zh).toContain('逐步酝酿开放');
    expect(tier('nascent').traits.en).toContain('gradually preparing to open');
    expect(metric('sme-recovery').quote).toContain('疫后恢复率达到60%');
    expect(metric('sme-recovery').en).toContain('recovery rate of 60%');
    expect(metric('regional-deployment').quote).toContain('19地提出支持建设');
    expect(metric('regional-deployment').en).toContain('19 proposed supporting the construction of');
    expect(metric('regional-deployment').value.en).toContain('19 proposed supporting the construction of');
    expect(metric('regional-deployment').value.zh).toContain('19地提出支持建设');
    expect(tier('leading').note!.en).not.toMatch(/national|these six/i);
    expect(tier('leading').note!.en).toMatch(/three indicators/);
  });

  it('keeps 2020 and "the past 4 years" beside the figures they belong to', () => {
    for (const m of report.metrics) {
      for (const [zh, en] of [['2020年', '2020'], ['过去4年', 'past 4 years']] as const) {
        if (!m.quote.includes(zh)) continue;
        expect(m.value.zh + m.label.zh, m.id).toContain(zh);
        expect(m.value.en + m.label.en, m.id).toContain(en);
      }
    }
  });
});

describe('regional groupings', () => {
  it('say their membership is general knowledge, not from the article', () => {
    expect(groupings.provenance.en).toMatch(/general knowledge, not from the article/);
    expect(groupings.provenance.zh).toMatch(/一般常识，并非来自文章/);
  });

  it('name only the report\'s regions, each grouping once, and state a definition where one is needed', () => {
    for (const g of groupings.groupings) {
      for (const m of g.members) expect(regionById.has(m), `${g.id}: ${m}`).toBe(true);
      // A grouping that is part of a province, or whose extent people dispute, says which definition it uses.
      const fuzzy = ['west', 'east', 'central', 'south-china', 'east-china', 'northeast', 'pearl-river-delta', 'greater-bay-area', 'yangtze-river-delta'];
      if (fuzzy.includes(g.id)) expect(g.definition, g.id).toBeDefined();
    }
  });

  it('rejects a grouping with an unknown region, a region twice, or a taken id', () => {
    const raw = JSON.parse(readFileSync(new URL('../../data/groupings.json', import.meta.url), 'utf8'));
    const unknown = structuredClone(raw);
    unknown.groupings[0].members.push('atlantis');
    expect(() => parseGroupings(unknown)).toThrow(/unknown region atlantis/);
    const twice = structuredClone(raw);
    twice.groupings[0].members.push(twice.groupings[0].members[0]);
    expect(() => parseGroupings(twice)).toThrow(/a region twice/);
    const taken = structuredClone(raw);
    taken.groupings[0].id = 'hubei';
    expect(() => parseGroupings(taken)).toThrow(/grouping id hubei is taken/);
    const noProvenance = structuredClone(raw);
    delete noProvenance.provenance;
    expect(() => parseGroupings(noProvenance)).toThrow();
  });
});
