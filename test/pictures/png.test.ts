/**
 * The paletted PNG against resvg's own pixels: bytes (a third of an RGBA PNG's) and pixels (exact
 * where a picture has 256 colours or fewer; otherwise only a few edge pixels, each in a near colour).
 */
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { handle } from '../../src/core/handle.js';
import { barsImage, mapImage } from '../../src/core/pictures.js';
import type { CardImage, Lang } from '../../src/core/types.js';
import { FONT_FILES } from '../../src/pictures/masks.js';
import { palettedPng } from '../../src/pictures/png.js';
import { FONT_FAMILY, pictureSvg, ZOOM } from '../../src/pictures/svg.js';
import { decodePng } from '../support/png.js';

const SLOW = 120_000;
const KB = 1024;

function rasterise(image: CardImage, lang: Lang) {
  const options = { fitTo: { mode: 'zoom' as const, value: ZOOM }, background: '#ffffff', font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT_FAMILY } };
  return new Resvg(pictureSvg(image, lang), options).render();
}

describe('paletted PNGs', () => {
  it.each([
    ['the tier map', mapImage('zh'), 'zh', 120],
    ['a region\'s map', mapImage('zh', ['hubei']), 'zh', 120],
    ['a grouping\'s map, in English', handle({ text: 'Yangtze River Delta', platform: 'cli' }).card.image!, 'en', 140],
    ['the bar chart', barsImage('en'), 'en', 40],
  ] as const)('%s: a third of the RGBA PNG\'s bytes, and the same picture', async (_, image, lang, maxKb) => {
    const rendered = rasterise(image, lang);
    const rgba = rendered.pixels;
    const bytes = await palettedPng(rgba, rendered.width, rendered.height);
    expect(bytes.length / KB).toBeLessThan(maxKb);
    expect(bytes.length).toBeLessThan(rendered.asPng().length / 2.4);

    const png = decodePng(bytes);
    expect([png.width, png.height]).toEqual([rendered.width, rendered.height]);
    let changed = 0;
    let worst = 0;
    let opaque = true;
    for (let i = 0; i < rgba.length; i += 4) {
      const d = Math.max(Math.abs(rgba[i] - png.data[i]), Math.abs(rgba[i + 1] - png.data[i + 1]), Math.abs(rgba[i + 2] - png.data[i + 2]));
      if (d > 0) changed++;
      if (d > worst) worst = d;
      if (png.data[i + 3] !== 255) opaque = false;
    }
    expect(opaque).toBe(true);
    // At most 0.1% of the pixels (single anti-aliased edge pixels), none by more than a quarter of
    // the range in any channel.
    expect(changed / (rgba.length / 4)).toBeLessThan(0.001);
    expect(worst).toBeLessThanOrEqual(64);
  }, SLOW);

  it('is exact when a picture has no more than 256 colours', async () => {
    const [width, height] = [64, 16];
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      const k = (i * 37) % 256; // 256 colours, scattered
      rgba.set([k, 255 - k, (k * 3) % 256, 255], i * 4);
    }
    const png = decodePng(await palettedPng(rgba, width, height));
    expect(Buffer.from(png.data).equals(Buffer.from(rgba))).toBe(true);
  });
});
