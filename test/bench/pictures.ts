/**
 * Pictures (issue 20's goals): the first map of a fresh `iiot ask --format png` process against the
 * same command's text answer; in a warm process, a new map and a new bar chart; resident memory over
 * 400 different pictures, in a process that only draws and in a running bot (pictures-bot.ts); the map
 * PNG's size; and the two resvg builds (native, WebAssembly) drawing the same map, each in a fresh
 * process. Start-up is not here: the drawing code loads with the first picture, so the startup
 * section shows the bot's start-up unchanged.
 */
import { existsSync } from 'node:fs';
import { picturesInRunningBot } from './pictures-bot.js';
import { CLI, NODE_FLAGS, REPO_DIR, spawnTracked } from './processes.js';
import { target, type BenchOptions, type Section } from './report.js';
import { fmt, median, table } from './stats.js';

/** Resident memory after full GCs once V8 has released what they freed, and straight after the GCs. */
interface Rss { rss: number; atGc: number }

interface Figures {
  coldMs: number; coldComposedMs: number; mapBytes: number; largestMap: number; cachedP50Ms: number; cachedP99Ms: number; mapMs: number; barsMs: number; barsReadMs: number; barsBytes: number;
  rssBefore: Rss; rssAfterFirst: Rss; readings: ({ after: number } & Rss)[]; idle: { idleMs: number } & Rss; kept: number;
}

interface Rasteriser { which: string; loadMs: number; firstMs: number; p50Ms: number; rssBefore: number; rssAfter: number; rssIdle: number; pixels: string }

/** One process's wall time and, where GNU time is installed, its peak RSS. */
interface Run { ms: number; peakRss?: number }

const KB = 1024;
const MB = 1024 * 1024;
const GNU_TIME = '/usr/bin/time';

function runJson<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, [...NODE_FLAGS, '--expose-gc', script, ...args], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${script} exited ${code}`))));
  });
}

/** `iiot ask …` in a fresh process, whole (spawn to exit), its output thrown away. */
function runCli(args: string[]): Promise<Run> {
  const node = [process.execPath, ...NODE_FLAGS, CLI, 'ask', ...args];
  const timed = existsSync(GNU_TIME);
  const [command, ...rest] = timed ? [GNU_TIME, '-f', 'peak-rss-kb %M', ...node] : node;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawnTracked(command, rest, { cwd: REPO_DIR, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => { err += d; });
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      const kb = /peak-rss-kb (\d+)/.exec(err)?.[1];
      if (code === 0) resolve({ ms, peakRss: kb ? Number(kb) * KB : undefined });
      else reject(new Error(`iiot ask ${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

async function cliRuns(rounds: number): Promise<{ text: Run[]; png: Run[] }> {
  const text: Run[] = [];
  const png: Run[] = [];
  await runCli(['湖北']); // the page cache warm for both
  for (let i = 0; i < rounds; i++) {
    text.push(await runCli(['湖北']));
    png.push(await runCli(['--format', 'png', '湖北']));
  }
  return { text, png };
}

const medianOf = (runs: Run[], key: keyof Run) => median(runs.map((r) => r[key]).filter((v): v is number => v !== undefined));

export async function benchPictures(opts: BenchOptions): Promise<Section> {
  const cli = await cliRuns(opts.quick ? 3 : 7);
  const f = await runJson<Figures>('test/bench/servers/pictures.mjs', [opts.quick ? 'quick' : 'full']);
  const mode = opts.quick ? 'quick' : 'full';
  const js = await runJson<Rasteriser>('test/bench/servers/rasteriser.mjs', ['js', mode]);
  const wasm = await runJson<Rasteriser>('test/bench/servers/rasteriser.mjs', ['wasm', mode]);
  const bot = await picturesInRunningBot(opts.quick);
  const botAdded = bot.on.after - bot.off.after;

  const textMs = medianOf(cli.text, 'ms');
  const pngMs = medianOf(cli.png, 'ms');
  const end = f.readings.at(-1)!;
  const [full, ...later] = f.readings.slice(1);
  const overFull = full ? (Math.max(...later.map((r) => r.rss), full.rss) - full.rss) / full.rss : NaN;
  const cold = (r: Rasteriser) => r.loadMs + r.firstMs;
  const rasteriserRow = (r: Rasteriser) => [r.which === 'js' ? '@resvg/resvg-js (native; the bot\'s)' : '@resvg/resvg-wasm (WebAssembly; before)',
    fmt.ms(r.loadMs), fmt.ms(r.firstMs), fmt.ms(r.p50Ms), fmt.mb(r.rssAfter - r.rssBefore), fmt.mb(r.rssIdle - r.rssBefore)];

  return {
    name: 'pictures',
    data: { cli, ...f, rasterisers: { js, wasm }, runningBot: bot },
    tables: [
      table('Pictures: `iiot ask 湖北`, one fresh process each (median)', ['command', 'time', 'peak RSS'], [
        ['text answer', fmt.ms(textMs), cli.text[0]?.peakRss ? fmt.mb(medianOf(cli.text, 'peakRss')) : '—'],
        ['--format png (the map)', fmt.ms(pngMs), cli.png[0]?.peakRss ? fmt.mb(medianOf(cli.png, 'peakRss')) : '—'],
      ]),
      table('Pictures: drawing (scene → masks composed → paletted PNG at 2×, 1800×1520 map)', ['picture', 'time', 'PNG'], [
        ['first picture, fresh process (the tier map: drawn by the build, read)', fmt.ms(f.coldMs), `${Math.round(f.mapBytes / KB)} KB`],
        ['first picture composed in that process (loads the drawing code, masks, layout; draws its title)', fmt.ms(f.coldComposedMs), ''],
        ['cached picture (p50 / p99)', `${fmt.time(f.cachedP50Ms)} / ${fmt.time(f.cachedP99Ms)}`, ''],
        ['new map, warm (p50)', fmt.ms(f.mapMs), ''],
        ['new bar chart, warm (p50): composed', fmt.ms(f.barsMs), `${Math.round(f.barsBytes / KB)} KB`],
        ['the bar chart as the bot serves it (drawn by the build, read; p50)', fmt.ms(f.barsReadMs), ''],
        [`largest of the ${end.after} maps below`, '', `${Math.round(f.largestMap / KB)} KB`],
      ]),
      table(`Pictures in a running bot: two bots (Feishu, dist/), pictures off and on, the same traffic: ${bot.pictures} new pictures after a warm-up (RSS after full GC)`,
        ['reading', 'pictures off', 'pictures on', 'on − off'], [
          ['after start-up', fmt.mb(bot.off.started), fmt.mb(bot.on.started), fmt.mb(bot.on.started - bot.off.started)],
          ['after the warm-up (text questions)', fmt.mb(bot.off.warm), fmt.mb(bot.on.warm), fmt.mb(bot.on.warm - bot.off.warm)],
          [`after ${bot.pictures} comparisons (${bot.sent.on} pictures sent)`, fmt.mb(bot.off.after), fmt.mb(bot.on.after), fmt.mb(botAdded)],
        ]),
      table(`Pictures alone: resident memory of a process that only draws, over ${end.after} different pictures (one cache, after full GC)`, ['reading', 'RSS', 'straight after GC'], [
        ['before the first picture', fmt.mb(f.rssBefore.rss), fmt.mb(f.rssBefore.atGc)],
        ['after the first two (one read, one composed)', fmt.mb(f.rssAfterFirst.rss), fmt.mb(f.rssAfterFirst.atGc)],
        ...f.readings.map((r) => [`after ${r.after}`, fmt.mb(r.rss), fmt.mb(r.atGc)]),
        [`after ${fmt.ms(f.idle.idleMs)} idle`, fmt.mb(f.idle.rss), fmt.mb(f.idle.atGc)],
        [`pictures kept by the cache`, String(f.kept), ''],
      ]),
      table('Pictures: the two resvg builds drawing the same map (fresh process each, main thread; RSS after full GC, over the process before loading)',
        ['rasteriser', 'load', 'first drawing', 'drawing (p50)', 'RSS after drawings', 'RSS after 3 s idle'],
        [rasteriserRow(js), rasteriserRow(wasm), ['same pixels', js.pixels === wasm.pixels ? 'yes' : `NO (${js.pixels} / ${wasm.pixels})`, '', '', '', '']]),
    ],
    targets: [
      target('First map, fresh process (`iiot ask --format png 湖北`)', '≤ 0.3 s', fmt.ms(pngMs), pngMs <= 300),
      target('First map vs the same command\'s text answer', '≤ 2.2×', fmt.ratio(pngMs / textMs), pngMs / textMs <= 2.2),
      target('New map, warm process (p50)', '≤ 60 ms', fmt.ms(f.mapMs), f.mapMs <= 60),
      target('Bar chart, warm process (p50), composed', '≤ 30 ms', fmt.ms(f.barsMs), f.barsMs <= 30),
      target(`RSS pictures add to a running bot after ${bot.pictures} different pictures (on − off)`, '≤ +30 MB', `+${fmt.mb(botAdded)}`, botAdded <= 30 * MB && bot.sent.on === bot.pictures),
      target('Map PNG (the tier map, 1800×1520)', '≤ 120 KB', `${Math.round(f.mapBytes / KB)} KB`, f.mapBytes <= 120 * KB),
      target('Cached picture p99', '< 1 ms', fmt.time(f.cachedP99Ms), f.cachedP99Ms < 1),
      target(`RSS flat once the cache is full (peak after ${full?.after} vs after ${full?.after})`, '< +10%', fmt.pct(overFull), overFull < 0.1),
      // Why the bot uses the native build: what a fresh process pays before its first picture is out.
      target('resvg-js vs resvg-wasm: load + first drawing, fresh process', '< 1×', fmt.ratio(cold(js) / cold(wasm)), cold(js) < cold(wasm)),
    ],
  };
}
