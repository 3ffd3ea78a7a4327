/**
 * Reading pictures back: decode a PNG, read pixels, and find where a geographic point lands on a map
 * picture (the same ECharts option the renderer draws, asked for its projection).
 */
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import type { CardImage, Lang } from '../../src/core/types.js';
import { chinaMap, SIZES, ZOOM } from '../../src/pictures/draw.js';
import { mapOption } from '../../src/pictures/options.js';

const echarts = createRequire(import.meta.url)('echarts') as typeof import('echarts');

export function decodePng(bytes: Buffer): PNG {
  return PNG.sync.read(bytes);
}

export function pixelAt(png: PNG, x: number, y: number): string {
  const i = (Math.round(y) * png.width + Math.round(x)) * 4;
  return `#${[0, 1, 2].map((k) => png.data[i + k].toString(16).padStart(2, '0')).join('')}`;
}

/** The most frequent colour within `r` pixels of (x, y): a label or a border line does not sway it. */
export function dominantColor(png: PNG, x: number, y: number, r = 6): string {
  const counts = new Map<string, number>();
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const c = pixelAt(png, x + dx, y + dy);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

/** Where [longitude, latitude] lands on the map picture drawn for `image`, in PNG pixels. */
export function mapPixel(image: CardImage, lang: Lang, lngLat: [number, number]): [number, number] {
  const { width, height } = SIZES.map;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(mapOption(image, lang, chinaMap, height));
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, lngLat) as number[];
    return [x * ZOOM, y * ZOOM];
  } finally {
    chart.dispose();
  }
}
