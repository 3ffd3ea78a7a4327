/**
 * The picture drawing code in a fresh process (so the first picture is really cold: modules, masks, layout),
 * with --expose-gc for memory readings. Plain JavaScript on the compiled dist/, as production runs. Prints one JSON line of figures (ms, bytes) for pictures.ts.
 * argv[2]: "quick" for shorter runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { report } from '../../../dist/core/data.js';
import { barsImage, mapImage } from '../../../dist/core/pictures.js';

const quick = process.argv[2] === 'quick';
const gc = globalThis.gc ?? (() => undefined);
const now = () => performance.now();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rssNow = () => process.memoryUsage().rss;
/**
 * Resident memory after full GCs, once V8 has given back what they freed: right after gc() returns,
 * the pages and buffers it found dead (the evicted PNGs among them) are still being released on
 * V8's background threads, 30–40 MB at times. GC again every 100 ms until RSS stops falling.
 * `atGc` is the reading taken straight after the first GCs, as earlier runs reported.
 */
async function rss() {
  gc(); gc();
  const atGc = rssNow();
  let last = atGc;
  for (let i = 0; i < 10; i++) {
    await sleep(100);
    gc();
    const settled = rssNow();
    if (last - settled < 1 << 20) return { rss: settled, atGc };
    last = settled;
  }
  return { rss: last, atGc };
}

const rssBefore = await rss();
let t = now();
const { Pictures } = await import('../../../dist/pictures/index.js');
const cache = new Pictures();
// The tier map is one the build drew whole (dist/pictures/built/): read, not drawn.
const first = await cache.png(mapImage('zh'), 'zh');
const coldMs = now() - t;
// Then the first picture composed in this process: the drawing code and masks load, and its title,
// which no answer the build knows has, is drawn (resvg loads for it).
t = now();
await cache.png(mapImage('en', ['hubei', 'hunan'], 'Hubei and Hunan, first drawn here'), 'en');
const coldComposedMs = now() - t;
const rssAfterFirst = await rss();

// A picture already drawn: what every card after the first pays.
const cached = [];
for (let i = 0; i < 2000; i++) {
  t = now();
  await cache.png(mapImage('zh'), 'zh');
  cached.push(now() - t);
}
cached.sort((a, b) => a - b);

// New pictures in a warm process: each map a highlight not drawn before (a fresh cache for each),
// the bar chart drawn again from scratch.
const ids = report.regions.map((r) => r.id);
const samples = quick ? 5 : 21;
const time = async (draw) => {
  const out = [];
  for (let i = 0; i < samples; i++) {
    t = now();
    await draw(i);
    out.push(now() - t);
  }
  return median(out);
};
const mapMs = await time((i) => new Pictures().png(mapImage('en', [ids[i % ids.length]]), 'en'));
// The bot's bar charts are drawn by the build (one a language): served, one is read. Composed, as
// one with another title would be (its title drawn once, in the first sample):
const barsReadMs = await time(() => new Pictures().png(barsImage('zh'), 'zh'));
const barsMs = await time(() => new Pictures().png({ ...barsImage('zh'), title: '各梯队地区数（重绘）' }, 'zh'));
const barsBytes = (await new Pictures().png(barsImage('zh'), 'zh')).bytes.length;

// 400 different pictures (two-region highlights, both languages) through one cache: resident memory
// grows while the cache fills (it keeps the newest 128 PNGs), then must level off. Readings after 20,
// 200 (the cache full), 300 and 400, then after 3 s idle.
const pairs = ids.flatMap((a, i) => ids.slice(i + 1).map((b) => [a, b]));
const marks = quick ? [20, 30, 60] : [20, 200, 300, 400];
const total = marks.at(-1);
const readings = [];
const memCache = new Pictures();
let largestMap = 0;
for (let i = 0; i < total; i++) {
  const lang = i % 2 ? 'en' : 'zh';
  largestMap = Math.max(largestMap, (await memCache.png(mapImage(lang, pairs[i]), lang)).bytes.length);
  if (marks.includes(i + 1)) readings.push({ after: i + 1, ...(await rss()) });
}
const idleMs = 3000;
await sleep(idleMs);
const idle = { idleMs, ...(await rss()) };

process.stdout.write(`${JSON.stringify({
  coldMs, coldComposedMs, mapBytes: first.bytes.length, largestMap, cachedP50Ms: cached[Math.floor(cached.length / 2)], cachedP99Ms: cached[Math.floor(cached.length * 0.99)],
  mapMs, barsMs, barsReadMs, barsBytes, rssBefore, rssAfterFirst, readings, idle, kept: memCache.size,
})}\n`);
