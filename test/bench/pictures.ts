/**
 * Pictures: the first one in a fresh process (modules, fonts and map load with it), a cached one, a
 * map and a bar chart drawn anew, and resident memory over 400 different pictures. Start-up is not
 * here: the startup section shows the bot's start-up is unchanged, since the renderer loads lazily.
 */
import { spawnTracked, NODE_FLAGS, REPO_DIR } from './processes.js';
import { target, type BenchOptions, type Section } from './report.js';
import { fmt, table } from './stats.js';

/** Resident memory after full GCs once V8 has released what they freed, and straight after the GCs. */
interface Rss { rss: number; atGc: number }

interface Figures {
  coldMs: number; mapBytes: number; cachedP50Ms: number; cachedP99Ms: number; mapMs: number; barsMs: number; barsBytes: number;
  rssBefore: Rss; rssAfterFirst: Rss; readings: ({ after: number } & Rss)[]; idle: { idleMs: number } & Rss; restartMs: number; kept: number;
}

function runChild(quick: boolean): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, [...NODE_FLAGS, '--expose-gc', 'test/bench/servers/pictures.mjs', quick ? 'quick' : 'full'], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`pictures bench child exited ${code}`))));
  });
}

export async function benchPictures(opts: BenchOptions): Promise<Section> {
  const f = await runChild(opts.quick);
  const [base, full, ...later] = f.readings;
  const end = later.at(-1)!;
  // Flat once the cache is full (its PNGs are memory by design): no later reading more than 10%
  // above the one taken when it filled. The growth from the 20th picture is shown as well.
  const peak = Math.max(...later.map((r) => r.rss));
  const overFull = (peak - full.rss) / full.rss;
  const overBase = (Math.max(full.rss, peak) - base.rss) / base.rss;
  return {
    name: 'pictures',
    data: f,
    tables: [
      table('Pictures: drawing (ECharts SVG → resvg PNG at 2×, 1800×1520 map)', ['picture', 'time', 'PNG'], [
        ['first picture, fresh process (cold: loads ECharts, fonts, map)', fmt.ms(f.coldMs), fmt.mb(f.mapBytes)],
        ['cached picture (p50 / p99)', `${fmt.time(f.cachedP50Ms)} / ${fmt.time(f.cachedP99Ms)}`, ''],
        ['map drawn anew (warm, median)', fmt.ms(f.mapMs), ''],
        ['bar chart drawn anew (warm, median)', fmt.ms(f.barsMs), fmt.mb(f.barsBytes)],
        [`new map after the idle thread stopped (a new thread)`, fmt.ms(f.restartMs), ''],
      ]),
      table(`Pictures: resident memory over ${end.after} different pictures (one cache, after full GC)`, ['reading', 'RSS', 'straight after GC'], [
        ['before the first picture', fmt.mb(f.rssBefore.rss), fmt.mb(f.rssBefore.atGc)],
        ['after the first picture', fmt.mb(f.rssAfterFirst.rss), fmt.mb(f.rssAfterFirst.atGc)],
        ...f.readings.map((r) => [`after ${r.after}`, fmt.mb(r.rss), fmt.mb(r.atGc)]),
        [`after ${fmt.ms(f.idle.idleMs)} idle (rasteriser thread stopped)`, fmt.mb(f.idle.rss), fmt.mb(f.idle.atGc)],
        [`peak after ${full.after} vs after ${full.after} (the cache full)`, fmt.pct(overFull), ''],
        [`peak after ${base.after} vs after ${base.after} (the cache filling)`, fmt.pct(overBase), ''],
        [`pictures kept by the cache`, String(f.kept), ''],
      ]),
    ],
    targets: [
      target('Cached picture p99', '< 1 ms', fmt.time(f.cachedP99Ms), f.cachedP99Ms < 1),
      target(`RSS flat over ${end.after} pictures (peak after ${full.after} vs after ${full.after})`, '< +10%', fmt.pct(overFull), overFull < 0.1),
    ],
  };
}
