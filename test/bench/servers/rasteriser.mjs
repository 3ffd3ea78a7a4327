/**
 * One rasteriser in a fresh process, for pictures.ts's comparison: `js` (@resvg/resvg-js, native, the
 * bot's) or `wasm` (@resvg/resvg-wasm, the bot's before). Both draw the same map SVG into pixels with
 * the bundled fonts, on the main thread, N times. Prints one JSON line: load time (module, WebAssembly,
 * fonts), first and median drawing, RSS after the drawings and after 3 s idle (after full GCs), and a
 * hash of the pixels (the two must draw the same). Run with --expose-gc. argv[3]: "quick".
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapImage } from '../../../dist/core/pictures.js';
import { FONT_FILES } from '../../../dist/pictures/masks.js';
import { FONT_FAMILY, pictureSvg, ZOOM } from '../../../dist/pictures/svg.js';

const [which, mode] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const now = () => performance.now();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rss = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(50);
  }
  return process.memoryUsage().rss;
};

const svg = pictureSvg(mapImage('zh', ['hubei']), 'zh');
const options = { fitTo: { mode: 'zoom', value: ZOOM }, background: '#ffffff', font: { loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY } };
const rssBefore = await rss();

let t = now();
let draw;
if (which === 'wasm') {
  const { initWasm, Resvg } = await import('@resvg/resvg-wasm');
  await initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  // Loaded once and handed to every drawing (the WebAssembly build takes fonts as buffers).
  const fontBuffers = FONT_FILES.map((f) => new Uint8Array(readFileSync(f)));
  draw = () => {
    const resvg = new Resvg(svg, { ...options, font: { ...options.font, fontBuffers } });
    const image = resvg.render();
    const pixels = image.pixels;
    image.free();
    resvg.free();
    return pixels;
  };
} else {
  const { renderAsync } = await import('@resvg/resvg-js');
  // The native build reads font files itself, for each drawing.
  draw = async () => (await renderAsync(svg, { ...options, font: { ...options.font, fontFiles: FONT_FILES } })).pixels;
}
const loadMs = now() - t;

const times = [];
let pixels;
for (let i = 0; i < (mode === 'quick' ? 4 : 12); i++) {
  t = now();
  pixels = await draw();
  times.push(now() - t);
}
const rssAfter = await rss();
await sleep(3000);
const rssIdle = await rss();

process.stdout.write(`${JSON.stringify({
  which, loadMs, firstMs: times[0], p50Ms: median(times.slice(1)), rssBefore, rssAfter, rssIdle,
  pixels: createHash('sha256').update(pixels).digest('hex').slice(0, 16),
})}\n`);
