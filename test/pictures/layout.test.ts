/**
 * data/pictures/layout.json, the geometry the bot draws pictures from: made from the data (every
 * region, in its place), up to date with the tool that makes it, and drawn into the same pixels as
 * ECharts' own drawing of the same picture. Hong Kong's and Macao's labels sit by their regions.
 */
import { readFileSync } from 'node:fs';
import type { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { report, tierOf } from '../../src/core/data.js';
import { handle } from '../../src/core/handle.js';
import { barsImage, mapImage, NOT_COVERED_COLOR, TIER_COLORS } from '../../src/core/pictures.js';
import type { CardImage, Lang } from '../../src/core/types.js';
import { svgToPng } from '../../src/pictures/masks.js';
import { ISLANDS_ADCODE, layout, LAYOUT_FILE, type Point } from '../../src/pictures/layout.js';
import { NOT_COVERED, pictureSvg, ZOOM } from '../../src/pictures/svg.js';
import { decodePng, interiorPoints, mapPixels } from '../support/png.js';
import { buildLayout, echartsSvg, layoutJson } from '../tools/picture-layout.js';

const SLOW = 120_000;
const regions = layout().map.regions;
const png = async (svg: string) => decodePng(await svgToPng(svg));

/** Device pixels within `r` of the segment a–b (logical points). */
function nearSegment([x, y]: Point, [a, b]: [Point, Point], r: number): boolean {
  const [ax, ay, bx, by] = [a[0] * ZOOM, a[1] * ZOOM, b[0] * ZOOM, b[1] * ZOOM];
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) <= r;
}

/** The pixels where two pictures of the same size differ, as [x, y]. */
function differing(a: PNG, b: PNG): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < a.data.length; i += 4) {
    if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) out.push([(i / 4) % a.width, Math.floor(i / 4 / a.width)]);
  }
  return out;
}

describe('data/pictures/layout.json', () => {
  it('is what test/tools/picture-layout.ts makes from the map and the data (regenerate: node --import tsx test/tools/picture-layout.ts)', () => {
    expect(readFileSync(LAYOUT_FILE, 'utf8')).toBe(layoutJson(buildLayout()));
  }, SLOW);

  it('has each of the 31 regions once, with a label, and Hong Kong, Macao, Taiwan and the South China Sea inset', () => {
    const adcodes = regions.map((r) => r.adcode);
    expect(new Set(adcodes).size).toBe(adcodes.length);
    expect(report.regions).toHaveLength(31);
    expect(adcodes.sort()).toEqual([ISLANDS_ADCODE, ...report.regions.map((r) => r.adcode), ...Object.keys(NOT_COVERED).map(Number)].sort());
    for (const r of regions) {
      expect(r.d, String(r.adcode)).toMatch(/^M[\d.]+ [\d.]+L/);
      if (r.adcode !== ISLANDS_ADCODE) expect(r.label, String(r.adcode)).toHaveLength(2);
    }
    expect(layout().bars.bars.map((b) => [b.tierId, b.value])).toEqual(report.tiers.map((t) => [t.id, String(t.members.length)]));
  });

  it('is drawn with every region in its tier\'s colour, and Hong Kong, Macao and Taiwan grey', () => {
    const svg = pictureSvg(mapImage('en'), 'en');
    const fills = new Map(regions.map((r) => [r.adcode, new RegExp(`<path d="${r.d.slice(0, 40).replace(/\./g, '\\.')}[^"]*" fill="(#[0-9a-f]{6})"`).exec(svg)?.[1]]));
    for (const r of report.regions) expect(fills.get(r.adcode), r.id).toBe(TIER_COLORS[tierOf.get(r.id)!.id]);
    for (const adcode of Object.keys(NOT_COVERED)) expect(fills.get(Number(adcode)), adcode).toBe(NOT_COVERED_COLOR);
  });
});

describe('the bot\'s drawing and ECharts\' own', () => {
  const leaders = regions.flatMap((r) => (r.leader ? [r.leader] : []));
  const cases: [string, () => CardImage, Lang][] = [
    ['the tier map', () => mapImage('zh'), 'zh'],
    ['a highlight, in English', () => mapImage('en', ['hubei', 'tibet', 'shanghai']), 'en'],
    ['a grouping with its note', () => handle({ text: 'western China', platform: 'cli' }).card.image!, 'en'],
    ['the bar chart', () => barsImage('zh'), 'zh'],
    ['the bar chart, in English', () => barsImage('en'), 'en'],
  ];
  it.each(cases)('%s: the same pixels, but for the lines that join Hong Kong and Macao to their labels', async (_, image, lang) => {
    const [ours, theirs] = await Promise.all([png(pictureSvg(image(), lang)), png(echartsSvg(image(), lang))]);
    expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
    const diff = differing(ours, theirs);
    expect(diff.filter((p) => !leaders.some((l) => nearSegment(p, l, 3)))).toEqual([]);
    if (image().picture.kind === 'map') expect(diff.length).toBeGreaterThan(20); // the lines are drawn
  }, SLOW);
});

describe('Hong Kong\'s and Macao\'s labels', () => {
  it.each([[810000, '香港'], [820000, '澳门']] as const)('%s: by its region, joined to it by a line, over the sea (%s)', async (adcode, name) => {
    const image = mapImage('zh');
    const svg = pictureSvg(image, 'zh');
    const group = new RegExp(`<g class="label" data-adcode="${adcode}">[\\s\\S]*?</g>`);
    expect(group.exec(svg)?.[0]).toContain(name);
    const [drawn, without] = await Promise.all([png(svg), png(svg.replace(group, ''))]);
    const ink = differing(drawn, without);
    expect(ink.length).toBeGreaterThan(50);
    // The line (or the words) reaches the region itself: projected from its outline in china.json.
    const region = mapPixels(image, 'zh', interiorPoints(adcode));
    const touching = ink.filter(([x, y]) => region.some(([rx, ry]) => Math.hypot(x - rx, y - ry) <= 4));
    expect(touching.length, 'ink touching the region').toBeGreaterThan(0);
    // The words are near it and over the sea (white), not over a neighbour's land.
    const leader = regions.find((r) => r.adcode === adcode)!.leader;
    const words = ink.filter((p) => !leader || !nearSegment(p, leader, 3));
    const [cx, cy] = [words.reduce((s, p) => s + p[0], 0) / words.length, words.reduce((s, p) => s + p[1], 0) / words.length];
    const [[rx, ry]] = mapPixels(image, 'zh', [[...(adcode === 810000 ? [114.17, 22.32] : [113.55, 22.2])] as [number, number]]);
    expect(Math.hypot(cx - rx, cy - ry) / ZOOM, 'logical px from the region').toBeLessThan(40);
    const under = words.map(([x, y]) => without.data.readUInt32BE((y * without.width + x) * 4) >>> 8);
    expect(under.filter((c) => c !== 0xffffff).length / under.length, 'share of the words over land').toBeLessThan(0.02);
  }, SLOW);
});
