// SVG → PNG with resvg compiled to WebAssembly, on a thread of its own: the chat event loop never
// waits for a rasterisation, and every buffer is freed explicitly (free()), so memory stays at one
// picture's peak instead of piling up until the garbage collector gets round to native handles.
// Plain JavaScript: worker threads do not inherit the tsx loader the CLI registers.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

const require = createRequire(import.meta.url);
await initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
const fontBuffers = workerData.fontFiles.map((file) => new Uint8Array(readFileSync(file)));

parentPort.on('message', ({ id, svg, options }) => {
  let resvg;
  let image;
  try {
    resvg = new Resvg(svg, { ...options, font: { ...options.font, fontBuffers } });
    image = resvg.render();
    const png = image.asPng();
    parentPort.postMessage({ id, png }, [png.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  } finally {
    image?.free();
    resvg?.free();
  }
});
parentPort.postMessage({ ready: true });
