import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReport, report, tierOf } from '../../src/core/data.js';

// The article the whole dataset comes from, as shipped beside the repo.
const article = readFileSync(new URL('../../../shared/seed/000_80137d20f05c6e65.txt', import.meta.url), 'utf8');
const rawData = JSON.parse(readFileSync(new URL('../../data/report.json', import.meta.url), 'utf8'));

describe('dataset against the article', () => {
  it('has 31 regions in four tiers of 6 + 11 + 10 + 4, each region in exactly one', () => {
    expect(report.tiers.map((t) => [t.id, t.members.length])).toEqual([
      ['leading', 6], ['rising', 11], ['catching-up', 10], ['nascent', 4],
    ]);
    const all = report.tiers.flatMap((t) => t.members);
    expect(all).toHaveLength(31);
    expect(new Set(all).size).toBe(31);
    expect(report.regions.map((r) => r.id).sort()).toEqual([...all].sort());
  });

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

  it('uses the glossary ids, adcodes and names', () => {
    const glossary = readFileSync(new URL('../../../shared/GLOSSARY.md', import.meta.url), 'utf8');
    for (const r of report.regions) {
      expect(glossary).toContain(`| ${r.id} | ${r.adcode} | ${r.zh} | ${r.short} | ${r.en} | ${r.pinyin} |`);
      expect(r.long.startsWith(r.zh)).toBe(true);
    }
    for (const id of [...report.tiers, ...report.paths, ...report.metrics].map((x) => x.id)) expect(glossary).toContain(`\`${id}\``);
    expect(tierOf.get('hubei')!.id).toBe('leading');
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
