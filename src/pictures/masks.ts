/**
 * Masks: how much of each device pixel a mark's fill or stroke covers (0–255), drawn once by resvg
 * and kept. A mark's shape never depends on its colour (svg.ts), so a picture is its masks laid
 * down in its colours (compose.ts) instead of a fresh rasterisation. `npm run build` draws the masks
 * of every picture the bot can make but the ones with a card's own title into masks.bin beside this
 * module (writeMaskFile); whatever that file lacks (a comparison's title, or everything when the
 * sources run through tsx, as in tests) is drawn on first use and kept.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ResvgRenderOptions } from '@resvg/resvg-js';
import { palettedPng } from './png.js';
import { element, paint, svgOpen, ZOOM, FONT_FAMILY, type Mark, type Scene } from './svg.js';

const DATA = new URL('../../data/', import.meta.url);

/** Noto Sans SC subset to the characters pictures draw (test/tools/font-subset.ts; OFL, data/fonts/OFL.txt). */
export const FONT_FILES = ['NotoSansSC-Regular.subset.ttf', 'NotoSansSC-Bold.subset.ttf'].map((f) => new URL(`fonts/${f}`, DATA).pathname);

/** resvg's options for every drawing: only the bundled fonts, so the same pixels on every machine. */
export const RESVG_OPTIONS: ResvgRenderOptions = {
  fitTo: { mode: 'zoom', value: ZOOM },
  font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  logLevel: 'off',
};

/**
 * A mask in device pixels: its box, and its coverage row by row as runs (runs.ts' format): most of
 * a region is inside it (one run of full coverage a row) and only its edges are partly covered.
 */
export interface Mask {
  x: number;
  y: number;
  w: number;
  h: number;
  runs: Uint8Array;
}

/** Run kinds: the rest of the row is not covered; n pixels not covered; n covered; n partly, with their n coverages. */
export const END_ROW = 0;
export const SKIP = 1;
export const FULL = 2;
export const PARTIAL = 3;

/** Coverage (one byte a pixel, w × h) as runs: a kind, a length (LEB128), and for PARTIAL the bytes. */
function encodeRuns(alpha: Uint8Array, w: number, h: number): Uint8Array {
  const out: number[] = [];
  const len = (n: number) => {
    for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
    out.push(n);
  };
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let x = 0;
    while (x < w) {
      const a = alpha[row + x];
      let end = x + 1;
      if (a === 0 || a === 255) {
        while (end < w && alpha[row + end] === a) end++;
        if (a === 0 && end === w) break;
        out.push(a === 0 ? SKIP : FULL);
        len(end - x);
      } else {
        while (end < w && alpha[row + end] !== 0 && alpha[row + end] !== 255) end++;
        out.push(PARTIAL);
        len(end - x);
        for (let i = x; i < end; i++) out.push(alpha[row + i]);
      }
      x = end;
    }
    out.push(END_ROW);
  }
  return Uint8Array.from(out);
}

/** The two masks a mark may need: its fill, and its stroke (a line, a border, a label's halo). */
export type Part = 'fill' | 'stroke';

/**
 * Keys already worked out, by the mark's attributes (a region's outline is tens of KB: its string
 * is the same object in every scene, and V8 keeps a string's hash, so finding it again is cheap).
 */
const keys = new Map<string, Map<string, string>>();
const MAX_KEYED = 4096;

/** What a mask depends on: the mark's shape (and for a stroke, its width and ends), never its colour. */
export function maskKey(m: Mark, part: Part): string {
  const how = part === 'stroke' ? ` stroke-width="${m.stroke!.width}"${m.stroke!.attrs ?? ''}` : '';
  let byShape = keys.get(m.attrs);
  if (!byShape) {
    if (keys.size >= MAX_KEYED) keys.clear();
    keys.set(m.attrs, (byShape = new Map()));
  }
  const which = `${part}${how}<${m.tag}>${m.content ?? ''}`;
  let key = byShape.get(which);
  if (key === undefined) {
    key = createHash('sha1').update(part).update(element(m, how)).digest('base64');
    byShape.set(which, key);
  }
  return key;
}

/** resvg, loaded only when something must be drawn: with the built masks, most processes never need it. */
let loaded: typeof import('@resvg/resvg-js') | undefined;
const resvg = () => (loaded ??= createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js'));
const newResvg = (svg: string, options: ResvgRenderOptions) => new (resvg().Resvg)(svg, options);

/**
 * resvg's own drawing of a whole SVG, as a paletted PNG: what composed pictures are checked against
 * (test/pictures/compose.test.ts), and ECharts' drawings are drawn with (test/pictures/layout.test.ts).
 */
export async function svgToPng(svg: string): Promise<Buffer> {
  const image = await resvg().renderAsync(svg, { ...RESVG_OPTIONS, background: '#ffffff' });
  return palettedPng(image.pixels, image.width, image.height);
}

const EMPTY: Mask = { x: 0, y: 0, w: 0, h: 0, runs: new Uint8Array() };

/** The mark alone, in black on nothing, within `view` (logical pixels: x y width height). */
function drawAlone(m: Mark, part: Part, view: [number, number, number, number], options: ResvgRenderOptions) {
  const painted = part === 'fill' ? ' fill="#000"' : paint({ fill: 'none', stroke: { ...m.stroke!, color: '#000', under: false } });
  return newResvg(`${svgOpen(view[2], view[3], view.join(' '))}${element(m, painted)}</svg>`, options);
}

/** Draws one mask with resvg: the mark's box first, then the mark within it, cropped to whole logical pixels. */
export function drawMask(m: Mark, part: Part, scene: Pick<Scene, 'width' | 'height'>): Mask {
  // The box of the mark's shape (innerBBox, which counts strokes, has none for some texts).
  const box = drawAlone(m, part, [0, 0, scene.width, scene.height], { ...RESVG_OPTIONS, fitTo: { mode: 'original' } }).getBBox();
  if (!box || box.width <= 0 || box.height <= 0) return EMPTY;
  // Widened by the stroke and anti-aliasing, and more until nothing is drawn on its border (unless
  // that border is the picture's edge): resvg's boxes of texts are approximate.
  for (let pad = 2 + (part === 'stroke' ? m.stroke!.width : 0); ; pad *= 2) {
    const x0 = Math.max(0, Math.floor(box.x - pad));
    const y0 = Math.max(0, Math.floor(box.y - pad));
    const x1 = Math.min(scene.width, Math.ceil(box.x + box.width + pad));
    const y1 = Math.min(scene.height, Math.ceil(box.y + box.height + pad));
    const image = drawAlone(m, part, [x0, y0, x1 - x0, y1 - y0], RESVG_OPTIONS).render();
    const { width: w, height: h } = image;
    const rgba = image.pixels;
    const alpha = new Uint8Array(w * h);
    for (let i = 0; i < alpha.length; i++) alpha[i] = rgba[i * 4 + 3];
    const inked = (x: number, y: number) => alpha[y * w + x] !== 0;
    let spills = false;
    for (let x = 0; x < w && !spills; x++) spills = (y0 > 0 && inked(x, 0)) || (y1 < scene.height && inked(x, h - 1));
    for (let y = 0; y < h && !spills; y++) spills = (x0 > 0 && inked(0, y)) || (x1 < scene.width && inked(w - 1, y));
    if (!spills || pad > 64) return { x: x0 * ZOOM, y: y0 * ZOOM, w, h, runs: encodeRuns(alpha, w, h) };
  }
}

/** Masks drawn on demand (titles, mostly) kept besides the built ones: a few KB each. */
const MAX_DRAWN = 512;

/** Every mask a picture needs, from masks.bin where it has them, drawn and kept otherwise. */
export class Masks {
  private readonly built: Map<string, Mask>;
  private readonly drawn = new Map<string, Mask>();

  constructor(built = new Map<string, Mask>()) {
    this.built = built;
  }

  get(m: Mark, part: Part, scene: Scene): Mask {
    const key = maskKey(m, part);
    const found = this.built.get(key) ?? this.drawn.get(key);
    if (found) return found;
    const mask = drawMask(m, part, scene);
    this.drawn.set(key, mask);
    if (this.drawn.size > MAX_DRAWN) this.drawn.delete(this.drawn.keys().next().value!);
    return mask;
  }

  /** Masks built (read from masks.bin, or given). */
  get size(): number {
    return this.built.size;
  }

  /** Masks drawn since loading (tests, the build). */
  get drawnCount(): number {
    return this.drawn.size;
  }
}

const ORDERS: Record<string, readonly Part[]> = {
  fill: ['fill'], stroke: ['stroke'], 'fill stroke': ['fill', 'stroke'], 'stroke fill': ['stroke', 'fill'], '': [],
};

/** The parts of a mark that are painted, in painting order. */
export function paintedParts(m: Mark): readonly Part[] {
  const fill = m.fill !== 'none' ? 'fill' : '';
  if (!m.stroke) return ORDERS[fill];
  return ORDERS[m.stroke.under ? `stroke${fill && ' fill'}` : `${fill && 'fill '}stroke`];
}

export const MASK_FILE = new URL('./masks.bin', import.meta.url);

/** masks.bin: a JSON index (key, box, length of runs) after its byte length, then the runs (~2 MB, read whole). Returns the masks drawn. */
export function writeMaskFile(scenes: Scene[], file: URL | string = MASK_FILE): Map<string, Mask> {
  const masks = new Map<string, Mask>();
  for (const scene of scenes) {
    for (const m of scene.marks) for (const part of paintedParts(m)) {
      const key = maskKey(m, part);
      if (!masks.has(key)) masks.set(key, drawMask(m, part, scene));
    }
  }
  const index = JSON.stringify([...masks].map(([k, { x, y, w, h, runs }]) => [k, x, y, w, h, runs.length]));
  const head = Buffer.alloc(4);
  head.writeUInt32LE(Buffer.byteLength(index));
  writeFileSync(file, Buffer.concat([head, Buffer.from(index), ...[...masks.values()].map((m) => m.runs)]));
  return masks;
}

/** The masks in masks.bin, or none when there is no such file (the sources run as they are). */
export function readMaskFile(file: URL | string = MASK_FILE): Map<string, Mask> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const length = bytes.readUInt32LE(0);
  const index = JSON.parse(bytes.toString('utf8', 4, 4 + length)) as [string, number, number, number, number, number][];
  let at = 4 + length;
  return new Map(index.map(([k, x, y, w, h, n]) => {
    const runs = bytes.subarray(at, (at += n));
    return [k, { x, y, w, h, runs }];
  }));
}
