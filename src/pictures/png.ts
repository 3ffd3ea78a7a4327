/**
 * Opaque RGBA pixels → a paletted PNG (one byte a pixel instead of four): a third of the bytes resvg's
 * own RGBA PNG takes for the same picture. A picture is a few flat colours and their anti-aliased
 * edges, 500–800 colours in all; when there are more than 256, the 256 most frequent are kept and each
 * of the rest (about 0.05% of the pixels, all on edges) is drawn in its nearest kept colour
 * (test/pictures/png.test.ts measures both). No package encodes indexed PNGs from pixels with Node's
 * own zlib, and the format is four short chunks.
 */
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';

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

/** The palette (most frequent first; ties by value, so the same pixels give the same bytes) and each colour's index. */
function palette(counts: Map<number, number>): { colors: number[]; index: Map<number, number> } {
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([c]) => c);
  const colors = ranked.slice(0, MAX_COLORS);
  const index = new Map(colors.map((c, i) => [c, i]));
  for (const c of ranked.slice(MAX_COLORS)) {
    const [r, g, b] = rgb(c);
    let best = 0;
    let bestDistance = Infinity;
    colors.forEach((k, i) => {
      const [R, G, B] = rgb(k);
      const d = (R - r) ** 2 + (G - g) ** 2 + (B - b) ** 2;
      if (d < bestDistance) [best, bestDistance] = [i, d];
    });
    index.set(c, best);
  }
  return { colors, index };
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

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** `rgba`: width × height pixels, 4 bytes each, all opaque (the pictures have a white background). */
export async function palettedPng(rgba: Uint8Array, width: number, height: number): Promise<Buffer> {
  const px = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
  const { colors, index } = palette(countColors(px));
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
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // 8 bits an index, colour type 3 (paletted), no interlace
  const plte = Buffer.from(colors.flatMap(rgb));
  const idat = await deflateAsync(rows, { level: DEFLATE_LEVEL });
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('PLTE', plte), chunk('IDAT', idat), chunk('IEND', new Uint8Array())]);
}

/** zlib's level: 9 saves 5% more bytes for ten times the time (npm run bench -- --only pictures). */
export const DEFLATE_LEVEL = 6;
