/**
 * A composed picture (colour numbers, compose.ts), or resvg's opaque RGBA pixels (the reference
 * drawing), → a paletted PNG (one byte a pixel instead of four): a third of the bytes resvg's own
 * RGBA PNG takes for the same picture. A picture is a few flat colours and their anti-aliased
 * edges, 500–800 colours in all; when there are more than 256, the 256 most frequent are kept and each
 * of the rest (about 0.05% of the pixels, all on edges) is drawn in its nearest kept colour
 * (test/pictures/png.test.ts measures both). No package encodes indexed PNGs from pixels with Node's
 * own zlib, and the format is four short chunks.
 */
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import type { Composed } from './compose.js';

const deflateAsync = promisify(deflate);

const MAX_COLORS = 256;

/** Colour counts, skipping runs: most pixels repeat the one before (flat fills). */
function countColors(px: Uint32Array): Map<number, number> {
  const counts = new Map<number, number>();
  let run = px[0];
  let start = 0;
  for (let i = 1; i <= px.length; i++) {
    if (i < px.length && px[i] === run) continue;
    counts.set(run, (counts.get(run) ?? 0) + i - start);
    run = px[i];
    start = i;
  }
  return counts;
}

/** Colours as read from a little-endian Uint32Array of RGBA bytes. */
const rgb = (c: number): [number, number, number] => [c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff];

/**
 * The palette for `colors` drawn on `counts[i]` pixels each: the most frequent first (ties by value,
 * so the same pixels give the same bytes), and each colour's index in it. Colours past the 256th
 * get the index of their nearest kept colour.
 */
function palette(colors: ArrayLike<number>, counts: ArrayLike<number>): { kept: number[]; index: Uint8Array } {
  const ranked: number[] = [];
  for (let i = 0; i < colors.length; i++) if (counts[i] > 0) ranked.push(i);
  ranked.sort((a, b) => counts[b] - counts[a] || colors[a] - colors[b]);
  const kept = ranked.slice(0, MAX_COLORS).map((i) => colors[i]);
  const index = new Uint8Array(colors.length);
  ranked.forEach((i, at) => {
    if (at < MAX_COLORS) {
      index[i] = at;
      return;
    }
    const [r, g, b] = rgb(colors[i]);
    let bestDistance = 0x3fffffff; // integers throughout: no number is boxed in this loop
    for (let k = 0; k < kept.length; k++) {
      const dr = (kept[k] & 0xff) - r;
      const dg = ((kept[k] >>> 8) & 0xff) - g;
      const db = ((kept[k] >>> 16) & 0xff) - b;
      const d = dr * dr + dg * dg + db * db;
      if (d < bestDistance) {
        index[i] = k;
        bestDistance = d;
      }
    }
  });
  return { kept, index };
}

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** PNG chunks (type, data) written into one buffer: the picture's bytes are allocated once. */
function chunks(parts: [type: string, data: Uint8Array][]): Buffer {
  const out = Buffer.allocUnsafe(SIGNATURE.length + parts.reduce((n, [, data]) => n + 12 + data.length, 0));
  let at = SIGNATURE.copy(out, 0);
  for (const [type, data] of parts) {
    out.writeUInt32BE(data.length, at);
    out.write(type, at + 4, 'latin1');
    out.set(data, at + 8);
    out.writeUInt32BE(crc32(out.subarray(at + 4, at + 8 + data.length)), at + 8 + data.length);
    at += 12 + data.length;
  }
  return out;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A paletted PNG of `rows` (each row its filter byte, then one palette index a pixel). */
async function encode(rows: Uint8Array, width: number, height: number, colors: number[]): Promise<Buffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // 8 bits an index, colour type 3 (paletted), no interlace
  const plte = Buffer.alloc(colors.length * 3);
  colors.forEach((c, i) => plte.writeUIntLE(c & 0xffffff, i * 3, 3)); // red, green, blue: the low bytes (no alpha)
  const idat = await deflateAsync(rows, { level: DEFLATE_LEVEL });
  return chunks([['IHDR', header], ['PLTE', plte], ['IDAT', idat], ['IEND', new Uint8Array()]]);
}

/** `rgba`: width × height pixels, 4 bytes each, all opaque (resvg's drawing of a whole picture). */
export async function palettedPng(rgba: Uint8Array, width: number, height: number): Promise<Buffer> {
  const px = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
  const counts = countColors(px);
  const { kept: colors, index: indexes } = palette([...counts.keys()], [...counts.values()]);
  const index = new Map([...counts.keys()].map((c, i) => [c, indexes[i]]));
  // Each row: its filter byte (0, none: the best for paletted pictures), then one index a pixel.
  const rows = new Uint8Array((width + 1) * height);
  let last = -1;
  let at = 0;
  for (let y = 0, i = 0, o = 0; y < height; y++) {
    rows[o++] = 0;
    for (let x = 0; x < width; x++, i++) {
      if (px[i] !== last) {
        last = px[i];
        at = index.get(last)!;
      }
      rows[o++] = at;
    }
  }
  return encode(rows, width, height, colors);
}

/** Rows kept for the next picture while zlib is not reading them: fresh memory costs more than filling it. */
let spareRows: Uint8Array | undefined;

/** A composed picture (colour numbers and their colours, compose.ts) as a paletted PNG. */
export async function composedPng({ pixels, width, height, colors: numbered }: Composed): Promise<Buffer> {
  const counts = new Uint32Array(numbered.length);
  for (let i = 0; i < pixels.length; i++) counts[pixels[i]]++;
  const { kept: colors, index: indexOf } = palette(numbered, counts);
  const size = (width + 1) * height;
  const rows = spareRows && spareRows.length >= size ? spareRows.subarray(0, size) : new Uint8Array(size);
  spareRows = undefined;
  for (let y = 0, i = 0, o = 0; y < height; y++) {
    rows[o++] = 0;
    for (let x = 0; x < width; x++) rows[o++] = indexOf[pixels[i++]];
  }
  try {
    return await encode(rows, width, height, colors);
  } finally {
    spareRows = new Uint8Array(rows.buffer); // the one zlib just read; if two ran at once, the last
  }
}

/** zlib's level: 9 saves 5% more bytes for ten times the time (npm run bench -- --only pictures). */
export const DEFLATE_LEVEL = 6;
