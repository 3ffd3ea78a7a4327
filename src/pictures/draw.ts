/**
 * Draws a card's picture: its SVG (svg.ts: the build-time layout with this picture's colours and
 * words), rasterised by resvg (native, @resvg/resvg-js) on libuv's thread pool, so the event loop
 * (acks, other chats) keeps going meanwhile, then written as a paletted PNG (png.ts).
 * Nothing imports this module statically: src/pictures/index.ts loads it with the first picture.
 */
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import type { CardImage, Lang } from '../core/types.js';
import { palettedPng } from './png.js';
import { FONT_FAMILY, pictureSvg, ZOOM } from './svg.js';

const DATA = new URL('../../data/', import.meta.url);

/** Noto Sans SC subset to the characters pictures draw (test/tools/font-subset.ts; OFL, data/fonts/OFL.txt). */
export const FONT_FILES = ['NotoSansSC-Regular.subset.ttf', 'NotoSansSC-Bold.subset.ttf'].map((f) => new URL(`fonts/${f}`, DATA).pathname);

const RESVG_OPTIONS: ResvgRenderOptions = {
  fitTo: { mode: 'zoom', value: ZOOM },
  background: '#ffffff',
  // Only the bundled fonts: the same pixels on every machine, and no boxes where no CJK font is
  // installed. resvg reads the two files (450 KB) for each drawing: it keeps no fonts between calls.
  font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  logLevel: 'off',
};

export async function svgToPng(svg: string): Promise<Buffer> {
  const image = await renderAsync(svg, RESVG_OPTIONS);
  return palettedPng(image.pixels, image.width, image.height);
}

export function drawPng(image: CardImage, lang: Lang): Promise<Buffer> {
  return svgToPng(pictureSvg(image, lang));
}
