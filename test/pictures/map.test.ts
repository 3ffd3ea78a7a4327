/**
 * The pictures themselves, decoded and read back pixel by pixel: each region in its tier's colour,
 * Hong Kong, Macao and Taiwan grey, the islands inset drawn, a legend that is the dataset's.
 */
import { describe, expect, it } from 'vitest';
import { report, tierOf } from '../../src/core/data.js';
import { handle } from '../../src/core/handle.js';
import { barsImage, legend, mapImage, NOT_COVERED_COLOR, TIER_COLORS } from '../../src/core/pictures.js';
import type { Lang } from '../../src/core/types.js';
import { Pictures } from '../../src/pictures/index.js';
import { fade, NOT_COVERED, pictureSvg as drawSvg } from '../../src/pictures/svg.js';
import { featureNames } from '../tools/picture-layout.js';
import { colorShare, decodePng, fillColor, mapPixels, pixelAt } from '../support/png.js';

const pictures = new Pictures();
const LANGS: Lang[] = ['zh', 'en'];
const SLOW = 120_000;

describe('data/map/china.json', () => {
  it('has a feature for each of the 31 regions, matched by adcode, with the same Chinese name', () => {
    const names = featureNames();
    expect(report.regions).toHaveLength(31);
    for (const r of report.regions) expect(names.get(r.adcode), r.id).toBe(r.zh);
    for (const [adcode, name] of Object.entries(NOT_COVERED)) expect(names.get(Number(adcode))).toBe(name.zh);
  });
});

describe.each(LANGS)('the tier map (%s)', (lang) => {
  it('decodes, and shows every region in its tier\'s colour and Hong Kong, Macao and Taiwan grey', async () => {
    const image = mapImage(lang);
    const png = decodePng((await pictures.png(image, lang)).bytes);
    expect([png.width, png.height]).toEqual([1800, 1520]);
    for (const r of report.regions) expect(fillColor(png, image, lang, r.adcode), r.id).toBe(TIER_COLORS[tierOf.get(r.id)!.id]);
    for (const adcode of Object.keys(NOT_COVERED)) expect(fillColor(png, image, lang, Number(adcode)), adcode).toBe(NOT_COVERED_COLOR);
    // Most of a large region is its colour (not just a few pixels of it).
    expect(colorShare(png, image, lang, 420000, TIER_COLORS.leading)).toBeGreaterThan(0.7);
  }, SLOW);

  it('draws the South China Sea islands inset', async () => {
    const image = mapImage(lang);
    const png = decodePng((await pictures.png(image, lang)).bytes);
    // The inset's frame: ECharts draws it from 126°E 25°N when the map is registered as `china`.
    const frame = mapPixels(image, lang, Array.from({ length: 20 }, (_, i) => [126.05, 24.5 - i * 0.28] as [number, number]));
    const inked = frame.filter(([x, y]) => [-1, 0, 1].some((d) => pixelAt(png, x + d, y) !== '#ffffff'));
    expect(inked.length).toBeGreaterThan(15);
  }, SLOW);

  it('writes the legend (tier names with member counts), the title, the caption and the source', () => {
    const image = mapImage(lang);
    const svg = drawSvg(image, lang);
    for (const entry of image.legend) expect(svg).toContain(entry.label.replace(/&/g, '&amp;'));
    expect(svg).toContain(lang === 'zh' ? '示意图' : 'Schematic map');
    expect(svg).toContain(image.title);
    expect(svg).toContain(lang === 'zh' ? '21世纪经济报道' : 'Herald');
  });
});

describe('legend and alt text', () => {
  it('lists the article\'s tiers in order with their member counts and colours, then "not covered"', () => {
    expect(legend('zh')).toEqual([
      { label: '示范引领（6）', tierId: 'leading', color: TIER_COLORS.leading },
      { label: '快速崛起（11）', tierId: 'rising', color: TIER_COLORS.rising },
      { label: '后发追赶（10）', tierId: 'catching-up', color: TIER_COLORS['catching-up'] },
      { label: '孕育起步（4）', tierId: 'nascent', color: TIER_COLORS.nascent },
      { label: '港澳台：不在31个省（市、区）中', color: NOT_COVERED_COLOR },
    ]);
    expect(legend('en').map((e) => e.label)).toEqual(report.tiers.map((t) => `${t.en} (${t.members.length})`).concat('Hong Kong, Macao, Taiwan: not among the 31 regions'));
    for (const e of legend('en')) expect(e.color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('says in words what the map shows: every region by tier', () => {
    for (const lang of LANGS) {
      const { alt } = mapImage(lang);
      for (const r of report.regions) expect(alt).toContain(lang === 'zh' ? r.zh : r.en);
      for (const t of report.tiers) expect(alt).toContain(t[lang]);
    }
    expect(barsImage('en').alt).toBe('Bar chart of regions per tier: Leading the Way 6, Rapid Rise 11, Catching Up 10, Getting Started 4.');
  });
});

describe('highlights', () => {
  it('keeps the highlighted regions in their colours and fades the rest', async () => {
    const image = mapImage('en', ['hubei', 'hunan']);
    const png = decodePng((await pictures.png(image, 'en')).bytes);
    const [hubei, hunan, yunnan] = ['hubei', 'hunan', 'yunnan'].map((id) => report.regions.find((r) => r.id === id)!.adcode);
    expect(colorShare(png, image, 'en', hubei, TIER_COLORS.leading)).toBeGreaterThan(0.5);
    expect(colorShare(png, image, 'en', hunan, TIER_COLORS.rising)).toBeGreaterThan(0.5);
    expect(colorShare(png, image, 'en', yunnan, fade(TIER_COLORS['catching-up']))).toBeGreaterThan(0.5);
    expect(colorShare(png, image, 'en', yunnan, TIER_COLORS['catching-up'])).toBe(0);
  }, SLOW);

  it('a grouping\'s card (长三角): its members in their tiers\' colours, everything else faded', async () => {
    const answer = handle({ text: '长三角怎么样', platform: 'cli' });
    const image = answer.card.image!;
    const png = decodePng((await pictures.png(image, 'zh')).bytes);
    expect(drawSvg(image, 'zh')).toContain('长三角');
    for (const r of report.regions) {
      const tier = TIER_COLORS[tierOf.get(r.id)!.id];
      expect(fillColor(png, image, 'zh', r.adcode), r.id).toBe(answer.regionIds.includes(r.id) ? tier : fade(tier));
    }
  }, SLOW);
});

describe('the bar chart', () => {
  it('decodes and draws one bar per tier in the tier\'s colour', async () => {
    const png = decodePng((await pictures.png(barsImage('zh'), 'zh')).bytes);
    const seen = new Set<string>();
    for (let y = 0; y < png.height; y += 4) for (let x = 0; x < png.width; x += 4) seen.add(pixelAt(png, x, y));
    for (const color of Object.values(TIER_COLORS)) expect(seen.has(color), color).toBe(true);
  }, SLOW);
});

describe('the cache', () => {
  it('draws a picture once per picture and language', async () => {
    const cache = new Pictures();
    const [a, b] = await Promise.all([cache.png(mapImage('zh', ['hubei']), 'zh'), cache.png(mapImage('zh', ['hubei']), 'zh')]);
    expect(a).toBe(b);
    const en = await cache.png(mapImage('en', ['hubei']), 'en');
    expect(en.id).not.toBe(a.id);
    expect(cache.size).toBe(2);
  }, SLOW);

  it('keeps at most maxEntries pictures, dropping the least recently used', async () => {
    const cache = new Pictures({ maxEntries: 2 });
    await cache.png(barsImage('zh'), 'zh');
    await cache.png(barsImage('en'), 'en');
    await cache.png(barsImage('zh'), 'zh'); // used again: now the newest
    await cache.png(mapImage('zh', ['tibet']), 'zh');
    expect(cache.size).toBe(2);
    const again = cache.png(barsImage('zh'), 'zh');
    expect(cache.size).toBe(2);
    await again;
  }, SLOW);

  it('keeps at most maxBytes of PNGs, dropping the least recently used, but always the newest', async () => {
    const cache = new Pictures({ maxBytes: 60 * 1024 });
    const bars = await cache.png(barsImage('zh'), 'zh'); // ~23 KB
    await cache.png(barsImage('en'), 'en');
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBeLessThanOrEqual(60 * 1024);
    const map = await cache.png(mapImage('zh', ['tibet']), 'zh'); // ~120 KB: over the bound on its own
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(map.bytes.length);
    expect(await cache.png(barsImage('zh'), 'zh')).not.toBe(bars); // dropped, so drawn again
  }, SLOW);
});
