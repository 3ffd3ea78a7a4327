/**
 * Start-up must not pay for pictures: the bot, its adapters and the console chat load without resvg
 * or the layout; the renderer comes with the first picture, and ECharts never loads (it lays the
 * pictures out once, in test/tools/picture-layout.ts). resvg loads only to draw a mask: run from the
 * sources, as here, there is no masks.bin, so the first picture draws its masks (with the built
 * masks it does not load at all: test/build.test.ts).
 */
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => /[\\/](echarts|zrender|@resvg)[\\/]/.test(k));

it('starting the bot loads no part of the renderer; the first picture does', async () => {
  await import('../../src/app.js');
  await import('../../src/platforms/slack/adapter.js');
  await import('../../src/platforms/feishu/adapter.js');
  await import('../../src/platforms/console/chat.js');
  expect(loaded()).toEqual([]);
  const { Pictures } = await import('../../src/pictures/index.js');
  const { barsImage } = await import('../../src/core/pictures.js');
  await new Pictures().png(barsImage('en'), 'en');
  expect(loaded().some((k) => k.includes('@resvg'))).toBe(true);
  expect(loaded().filter((k) => /[\\/](echarts|zrender)[\\/]/.test(k))).toEqual([]);
}, 60_000);
