/**
 * Reading pictures back: decode a PNG, read pixels, and find where a geographic point lands on a map
 * picture (ECharts' own option for the picture, asked for its projection: independent of the layout
 * the bot draws from, so a misplaced outline shows).
 */
import { PNG } from 'pngjs';
import type { CardImage, Lang } from '../../src/core/types.js';
import { ZOOM } from '../../src/pictures/svg.js';
import { chinaMap, mapOption, withChart } from '../tools/picture-layout.js';

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

/** Where each [longitude, latitude] lands on the map picture drawn for `image`, in PNG pixels. */
export function mapPixels(image: CardImage, lang: Lang, points: [number, number][]): [number, number][] {
  return withChart('map', mapOption(image, lang), (chart) => points.map((p) => {
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, p) as number[];
    return [x * ZOOM, y * ZOOM];
  }));
}

export const mapPixel = (image: CardImage, lang: Lang, lngLat: [number, number]): [number, number] => mapPixels(image, lang, [lngLat])[0];

type Ring = [number, number][];

/** ECharts' compact map encoding (`UTF8Encoding`): zig-zag deltas in character codes, 1/1024 degree. */
function decodeRing(encoded: string, offsets: [number, number]): Ring {
  const out: Ring = [];
  let [x0, y0] = offsets;
  for (let i = 0; i < encoded.length; i += 2) {
    let x = encoded.charCodeAt(i) - 64;
    let y = encoded.charCodeAt(i + 1) - 64;
    x = ((x >> 1) ^ -(x & 1)) + x0;
    y = ((y >> 1) ^ -(y & 1)) + y0;
    [x0, y0] = [x, y];
    out.push([x / 1024, y / 1024]);
  }
  return out;
}

/** The outer rings of a feature of data/map/china.json (by adcode), in degrees. */
export function featureRings(adcode: number): Ring[] {
  const f = (chinaMap as any).features.find((x: any) => Number(x.id) === adcode);
  if (!f) return [];
  const { type, coordinates, encodeOffsets } = f.geometry;
  const polygons: (string | Ring)[][] = type === 'Polygon' ? [coordinates] : coordinates;
  const offsets: [number, number][][] = type === 'Polygon' ? [encodeOffsets] : encodeOffsets;
  // ECharts decodes the registered map in place once it has drawn it.
  return polygons.map((rings, i) => (typeof rings[0] === 'string' ? decodeRing(rings[0], offsets[i][0]) : rings[0]));
}

function inside([x, y]: [number, number], ring: Ring): boolean {
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

/** Points on a grid across the region's largest polygon that fall inside it (in degrees). */
export function interiorPoints(adcode: number, grid = 24): [number, number][] {
  const ring = featureRings(adcode).sort((a, b) => b.length - a.length)[0] ?? [];
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const points: [number, number][] = [];
  for (let i = 1; i < grid; i++) {
    for (let j = 1; j < grid; j++) {
      const p: [number, number] = [x0 + ((x1 - x0) * i) / grid, y0 + ((y1 - y0) * j) / grid];
      if (inside(p, ring)) points.push(p);
    }
  }
  // Macao is a sliver: look closer until some points fall inside.
  return points.length > 0 || grid > 200 ? points : interiorPoints(adcode, grid * 3);
}

/** The share of a region's interior grid points drawn in `color` (labels and borders take the rest). */
export function colorShare(png: PNG, image: CardImage, lang: Lang, adcode: number, color: string): number {
  const pixels = mapPixels(image, lang, interiorPoints(adcode));
  return pixels.filter(([x, y]) => pixelAt(png, x, y) === color).length / Math.max(1, pixels.length);
}

/**
 * The colour a region is filled with: the most frequent colour at its interior grid points, leaving
 * out white (borders, label halos), which takes much of the smallest regions.
 */
export function fillColor(png: PNG, image: CardImage, lang: Lang, adcode: number): string | undefined {
  const counts = new Map<string, number>();
  for (const [x, y] of mapPixels(image, lang, interiorPoints(adcode))) {
    const c = pixelAt(png, x, y);
    if (c !== '#ffffff') counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
