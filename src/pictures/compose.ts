/**
 * A picture from its masks: each mark's fill and stroke laid down in its colour, in the scene's
 * order, over white, as resvg would paint them (source over, by coverage). Pixels hold a colour's
 * number, not the colour: a picture has a few hundred colours, so counting them for the palette is
 * a pass over an array, and one canvas (two bytes a pixel) serves every picture, so no drawing
 * touches fresh memory (on small virtual machines, fresh pages cost more than the drawing).
 */
import { END_ROW, FULL, PARTIAL, SKIP, paintedParts, type Masks } from './masks.js';
import { ZOOM, type Scene } from './svg.js';

/** Colours as numbers: red in the low byte, as a little-endian view of RGBA bytes reads them. */
export const rgbOf = (hex: string): number => {
  const n = Number.parseInt(hex.slice(1), 16);
  return (n >> 16) | (n & 0xff00) | ((n & 0xff) << 16);
};

/** The background, colour number 0. */
const WHITE = rgbOf('#ffffff');

export interface Composed {
  width: number;
  height: number;
  /** Each pixel's colour number, row by row (a view of the shared canvas: read it before the next picture). */
  pixels: Uint16Array;
  /** Colour numbers → colours (shared: read them before the next picture). */
  colors: readonly number[];
}

let canvas = new Uint16Array(0);

/**
 * Colour numbers, shared by every picture (pictures mostly share their colours: tiers, their fades,
 * their edges), so a picture allocates none; started afresh between pictures past MAX_NUMBERED.
 */
const colors: number[] = [];
const numbers = new Map<number, number>();
const MAX_NUMBERED = 16_384;
const number = (rgb: number): number => {
  let n = numbers.get(rgb);
  if (n === undefined) {
    n = colors.push(rgb) - 1;
    numbers.set(rgb, n);
  }
  return n;
};

/**
 * What a layer's colour over colour number d at coverage a came to, for this layer (the high half
 * holds the layer's stamp): most edge pixels repeat a blend already made.
 */
const MEMO_COLORS = 1024;
let memo = new Int32Array(0);
let stamp = 0;

/** `c` over `d` at coverage `a` (0–255), rounded as resvg's 8-bit pipeline does (same bytes, tested). */
function blend(d: number, c: number, a: number): number {
  let out = 0;
  for (let shift = 0; shift < 24; shift += 8) {
    const dc = (d >> shift) & 0xff;
    out |= ((dc * 255 + (((c >> shift) & 0xff) - dc) * a + 255) >> 8) << shift;
  }
  return out;
}

export function compose(scene: Scene, masks: Masks): Composed {
  const width = scene.width * ZOOM;
  const height = scene.height * ZOOM;
  if (canvas.length < width * height) canvas = new Uint16Array(width * height);
  if (memo.length === 0) memo = new Int32Array(MEMO_COLORS * 256);
  if (colors.length === 0 || colors.length > MAX_NUMBERED) {
    colors.length = 0;
    numbers.clear();
    number(WHITE);
    memo.fill(0);
    stamp = 0;
  }
  const pixels = canvas.subarray(0, width * height);
  pixels.fill(0);
  for (const mark of scene.marks) {
    for (const part of paintedParts(mark)) {
      const rgb = rgbOf(part === 'fill' ? mark.fill : mark.stroke!.color);
      const solid = number(rgb);
      if (++stamp > 0x3fff) { // stamped entries stay small integers (< 2 ** 30), never boxed
        memo.fill(0);
        stamp = 1;
      }
      const { x, y, runs } = masks.get(mark, part, scene);
      let at = y * width + x;
      let i = at;
      for (let r = 0; r < runs.length;) {
        const kind = runs[r++];
        if (kind === END_ROW) {
          i = at += width;
          continue;
        }
        let n = 0;
        for (let shift = 0; ; shift += 7) {
          const byte = runs[r++];
          n |= (byte & 0x7f) << shift;
          if (byte < 0x80) break;
        }
        if (kind === FULL) pixels.fill(solid, i, i + n);
        else if (kind === PARTIAL) {
          for (let j = i; j < i + n; j++) {
            const d = pixels[j];
            const a = runs[r++];
            const key = (d << 8) | a;
            if (d < MEMO_COLORS && memo[key] >>> 16 === stamp) pixels[j] = memo[key] & 0xffff;
            else {
              pixels[j] = number(blend(colors[d], rgb, a));
              if (d < MEMO_COLORS) memo[key] = (stamp << 16) | pixels[j];
            }
          }
        } else if (kind !== SKIP) throw new Error(`bad mask run ${kind}`);
        i += n;
      }
    }
  }
  return { width, height, pixels, colors };
}
