/**
 * Pictures composed from masks (src/pictures/compose.ts) against resvg drawing the same SVG whole:
 * the same pixels, picture by picture. And the masks themselves: keyed by shape, not colour; written
 * to a file and read back, they draw the same bytes without drawing a mask again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { report } from '../../src/core/data.js';
import { handle } from '../../src/core/handle.js';
import { barsImage, mapImage } from '../../src/core/pictures.js';
import type { CardImage, Lang } from '../../src/core/types.js';
import { builtPictures } from '../../src/pictures/built.js';
import { compose } from '../../src/pictures/compose.js';
import { drawPng } from '../../src/pictures/draw.js';
import { maskKey, Masks, readMaskFile, svgToPng, writeMaskFile } from '../../src/pictures/masks.js';
import { composedPng } from '../../src/pictures/png.js';
import { pictureScene, pictureSvg, type Mark } from '../../src/pictures/svg.js';
import { decodePng } from '../support/png.js';

const SLOW = 120_000;
const dir = mkdtempSync(join(tmpdir(), 'iiot-masks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pixels that differ between two decoded pictures of the same size, and the largest difference in a channel. */
function difference(a: Buffer, b: Buffer): { share: number; worst: number } {
  const [p, q] = [decodePng(a), decodePng(b)];
  expect([p.width, p.height]).toEqual([q.width, q.height]);
  let changed = 0;
  let worst = 0;
  for (let i = 0; i < p.data.length; i += 4) {
    const d = Math.max(...[0, 1, 2].map((k) => Math.abs(p.data[i + k] - q.data[i + k])));
    if (d > 0) changed++;
    worst = Math.max(worst, d);
  }
  return { share: changed / (p.width * p.height), worst };
}

const answerImage = (text: string) => handle({ text, platform: 'cli' }).card.image!;

describe('a composed picture is what resvg draws from the same SVG', () => {
  it.each<[string, CardImage, Lang]>([
    ['the tier map', mapImage('zh'), 'zh'],
    ['a region, in English', answerImage('Hubei'), 'en'],
    ['a comparison (a title never drawn before)', answerImage('湖北和湖南比较'), 'zh'],
    ['a grouping with its note', answerImage('长三角'), 'zh'],
    ['a tier', answerImage('Rapid Rise'), 'en'],
    ['Hong Kong, Macao and Taiwan with every region highlighted but one', mapImage('en', report.regions.slice(1).map((r) => r.id)), 'en'],
    ['the bar chart', barsImage('zh'), 'zh'],
    ['the bar chart, in English', barsImage('en'), 'en'],
  ])('%s', async (_, image, lang) => {
    const { share, worst } = difference(await drawPng(image, lang), await svgToPng(pictureSvg(image, lang)));
    // Blending is resvg's, byte for byte; what differs is a few edge pixels where the two pictures'
    // palettes (the 256 most frequent colours) kept different near colours.
    expect(share).toBeLessThan(0.0001);
    expect(worst).toBeLessThanOrEqual(32);
  }, SLOW);
});

describe('masks', () => {
  const region: Mark = { tag: 'path', attrs: ' d="M10 10L40 10L40 30Z"', fill: '#d64541', stroke: { color: '#ffffff', width: 0.8 } };

  it('are keyed by shape: a colour changes no key, a stroke\'s width or the outline does', () => {
    const recoloured: Mark = { ...region, fill: '#f08c2e', stroke: { color: '#202020', width: 0.8 } };
    expect(maskKey(recoloured, 'fill')).toBe(maskKey(region, 'fill'));
    expect(maskKey(recoloured, 'stroke')).toBe(maskKey(region, 'stroke'));
    expect(maskKey({ ...region, stroke: { color: '#202020', width: 1.6 } }, 'stroke')).not.toBe(maskKey(region, 'stroke'));
    expect(maskKey({ ...region, attrs: ' d="M10 10L40 10L40 31Z"' }, 'fill')).not.toBe(maskKey(region, 'fill'));
    expect(maskKey(region, 'fill')).not.toBe(maskKey(region, 'stroke'));
  });

  it('written to a file and read back, draw every answer\'s picture to the same bytes without drawing a mask', async () => {
    const file = join(dir, 'masks.bin');
    const scenes = builtPictures().map((p) => p.scene);
    expect(scenes.length).toBeGreaterThan(2 * report.regions.length); // every region in both languages, and more
    const count = writeMaskFile(scenes, file).size;
    const built = new Masks(readMaskFile(file));
    const fresh = new Masks();
    for (const [text, lang] of [['湖北', 'zh'], ['Tibet', 'en'], ['地图', 'zh'], ['tiers', 'en'], ['京津冀', 'zh']] as const) {
      const scene = pictureScene(answerImage(text), lang);
      const fromFile = await composedPng(compose(scene, built));
      expect(fromFile.equals(await composedPng(compose(scene, fresh))), text).toBe(true);
    }
    expect(built.drawnCount).toBe(0);
    expect(fresh.drawnCount).toBeGreaterThan(0);
    expect(count).toBeGreaterThan(fresh.drawnCount);
  }, SLOW);

  it('no file: none are read, and each is drawn once when first needed', () => {
    expect(readMaskFile(join(dir, 'none.bin')).size).toBe(0);
    const masks = new Masks();
    const scene = { width: 100, height: 60, marks: [region] };
    const mask = masks.get(region, 'fill', scene);
    expect(masks.get({ ...region, fill: '#000000' }, 'fill', scene)).toBe(mask);
    expect(masks.drawnCount).toBe(1);
    // The triangle's box, in device pixels (2×), with a pixel or two of anti-aliasing around it.
    expect(mask.x).toBeLessThanOrEqual(20);
    expect(mask.x + mask.w).toBeGreaterThanOrEqual(80);
    expect(mask.w).toBeLessThan(80);
  });
});
