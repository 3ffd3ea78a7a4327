/**
 * Draws a card's picture: ECharts builds it as SVG on the server (no DOM, no canvas), resvg turns the
 * SVG into PNG with the bundled fonts. This module is heavy (ECharts, a native renderer, fonts), so
 * nothing imports it statically: src/pictures/index.ts loads it on the first picture.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import type { CardImage, Lang } from '../core/types.js';
import { barOption, FONT_FAMILY, mapOption, type ChinaMap } from './options.js';

/**
 * ECharts' one-file CommonJS bundle: its ES modules are hundreds of files, each through the module
 * loader (and tsx's hooks), several times slower to load for the first picture.
 */
const echarts = createRequire(import.meta.url)('echarts') as typeof import('echarts');

const DATA = new URL('../../data/', import.meta.url);

/** ECharts 4.9's `china` map (Apache-2.0, data/map/LICENSE). The name `china` adds the South China Sea inset. */
export const chinaMap: ChinaMap = JSON.parse(readFileSync(new URL('map/china.json', DATA), 'utf8'));
echarts.registerMap('china', chinaMap as Parameters<typeof echarts.registerMap>[1]);

/** Noto Sans SC subset to the characters pictures draw (test/tools/font-subset.ts; OFL, data/fonts/OFL.txt). */
export const FONT_FILES = ['NotoSansSC-Regular.subset.ttf', 'NotoSansSC-Bold.subset.ttf'].map((f) => new URL(`fonts/${f}`, DATA).pathname);

/** Logical size; the PNG is drawn at 2× so it stays sharp on high-density screens. */
export const SIZES = { map: { width: 900, height: 760 }, 'tier-bars': { width: 900, height: 520 } } as const;
export const ZOOM = 2;

export function drawSvg(image: CardImage, lang: Lang): string {
  const { width, height } = SIZES[image.picture.kind];
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(image.picture.kind === 'map' ? mapOption(image, lang, chinaMap, height) : barOption(image, lang));
    return chart.renderToSVGString();
  } finally {
    // Without dispose the chart keeps timers and the process never exits.
    chart.dispose();
  }
}

const RESVG_OPTIONS: ResvgRenderOptions = {
  fitTo: { mode: 'zoom', value: ZOOM },
  background: '#ffffff',
  // Only the bundled fonts: the same pixels on every machine, and no boxes where no CJK font is installed.
  font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
};

/** Rasterises on libuv's thread pool, so the event loop (acks, other chats) keeps going meanwhile. */
export async function svgToPng(svg: string): Promise<Buffer> {
  return (await renderAsync(svg, RESVG_OPTIONS)).asPng();
}

export async function drawPng(image: CardImage, lang: Lang): Promise<Buffer> {
  return svgToPng(drawSvg(image, lang));
}
