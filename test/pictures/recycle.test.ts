/**
 * The rasteriser's thread is stopped when idle (giving back its WebAssembly memory) and started
 * again by the next picture, which must still come out right.
 */
import { expect, it } from 'vitest';
import { report, tierOf } from '../../src/core/data.js';
import { barsImage, mapImage, TIER_COLORS } from '../../src/core/pictures.js';
import { rasteriserThread, stopRasteriser } from '../../src/pictures/draw.js';
import { Pictures } from '../../src/pictures/index.js';
import { fade } from '../../src/pictures/options.js';
import { decodePng, fillColor } from '../support/png.js';

const SLOW = 120_000;

async function until(done: () => boolean, what: string): Promise<void> {
  for (const start = Date.now(); !done(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() - start > 60_000) throw new Error(`still waiting: ${what}`);
  }
}

function expectHighlighted(bytes: Buffer, regionIds: string[]): void {
  const image = mapImage('zh', regionIds);
  const png = decodePng(bytes);
  for (const r of report.regions) {
    const tier = TIER_COLORS[tierOf.get(r.id)!.id];
    expect(fillColor(png, image, 'zh', r.adcode), r.id).toBe(regionIds.includes(r.id) ? tier : fade(tier));
  }
}

it('stops the idle thread; the next picture starts a new one and is drawn right', async () => {
  const pictures = new Pictures({ idleMs: 300 });
  await pictures.png(barsImage('en'), 'en');
  const first = rasteriserThread();
  expect(first).toBeDefined();
  await until(() => rasteriserThread() === undefined, 'the idle thread to stop');

  const png = await pictures.png(mapImage('zh', ['hubei', 'xinjiang']), 'zh');
  expect(rasteriserThread()).toBeDefined();
  expect(rasteriserThread()).not.toBe(first);
  expectHighlighted(png.bytes, ['hubei', 'xinjiang']);
  await stopRasteriser();
}, SLOW);

it('a stopping thread fails nothing of the thread that replaced it', async () => {
  const pictures = new Pictures();
  await pictures.png(barsImage('zh'), 'zh');
  const stopping = stopRasteriser(); // the old thread exits while the next picture is drawn by a new one
  const png = await pictures.png(mapImage('zh', ['tibet']), 'zh');
  await stopping;
  expectHighlighted(png.bytes, ['tibet']);
  await stopRasteriser();
}, SLOW);
