/**
 * `npm run bench [-- --quick] [-- --only core,slack,feishu,startup,memory,pictures]`
 *
 * Builds dist/, runs every section in turn, prints its tables, then every target with met / not met, and
 * writes every figure (plus Node version, CPU, commit) to bench-results/latest.json and a dated
 * copy, so two runs can be compared. Sections run one after another, never concurrently: on a
 * 2-core machine anything running beside a measurement is noise in it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchCore } from './core.js';
import { buildDist, killAll, REPO_DIR } from './processes.js';
import type { BenchOptions, Section, Target } from './report.js';
import { fmt, table } from './stats.js';

const SECTIONS: Record<string, (opts: BenchOptions) => Section | Promise<Section>> = {
  core: benchCore,
  slack: async (opts) => (await import('./slack-e2e.js')).benchSlack(opts),
  feishu: async (opts) => (await import('./feishu-e2e.js')).benchFeishu(opts),
  startup: async (opts) => (await import('./startup.js')).benchStartup(opts),
  memory: async (opts) => (await import('./memory.js')).benchMemory(opts),
  pictures: async (opts) => (await import('./pictures.js')).benchPictures(opts),
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: join(REPO_DIR, 'bench-results') },
  },
});
const only = values.only?.split(',').map((s) => s.trim()) ?? Object.keys(SECTIONS);
for (const name of only) if (!SECTIONS[name]) throw new Error(`unknown section "${name}" (have: ${Object.keys(SECTIONS).join(', ')})`);
const opts: BenchOptions = { quick: values.quick };

/** Whatever ends the run (Ctrl-C, a crash), no child process or server may outlive it. */
let exiting = false;
async function exit(code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    await killAll();
  }
  process.exit(code);
}
process.once('SIGINT', () => void exit(130));
process.once('SIGTERM', () => void exit(143));
// A hard ceiling: the full run takes under 10 minutes, so 15 means something hangs.
setTimeout(() => {
  console.error('bench: still running after 15 minutes, giving up');
  void exit(1);
}, 15 * 60_000).unref();

function machine() {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: REPO_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory: fmt.mb(totalmem()),
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const env = machine();
  console.log(`iiot-bot bench${opts.quick ? ' (--quick: short phases, indicative only)' : ''}`);
  console.log(`Node ${env.node}, ${env.cpu} × ${env.cores}, ${env.memory}, commit ${env.commit}${env.dirty ? ' (dirty)' : ''}\n`);

  // Every section measures dist/, as production runs it: build it from the sources.
  buildDist();
  const sections: Section[] = [];
  for (const name of only) {
    const t0 = Date.now();
    process.stdout.write(`… ${name}\n`);
    const section = await SECTIONS[name](opts);
    sections.push(section);
    console.log(`\n${section.tables.join('\n')}\n(${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  }

  const targets: Target[] = sections.flatMap((s) => s.targets);
  console.log(table('Targets', ['target', 'goal', 'measured', 'met / not met'], targets.map((t) => [t.what, t.goal, t.measured, t.met ? 'met' : 'NOT MET'])));
  const seconds = (Date.now() - started) / 1000;
  console.log(`${targets.filter((t) => t.met).length}/${targets.length} targets met; ${seconds.toFixed(0)} s in all.`);

  const results = {
    date: new Date().toISOString(),
    quick: opts.quick,
    seconds,
    machine: env,
    sections: Object.fromEntries(sections.map((s) => [s.name, s.data])),
    targets,
    tables: sections.flatMap((s) => s.tables),
  };
  mkdirSync(values.out, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const stamp = results.date.replace(/[:.]/g, '-');
  writeFileSync(join(values.out, 'latest.json'), json);
  writeFileSync(join(values.out, `${stamp}${opts.quick ? '-quick' : ''}.json`), json);
  console.log(`Results: ${join(values.out, 'latest.json')}`);
}

main().then(() => exit(0), (err: unknown) => {
  console.error('bench failed:', err);
  return exit(1);
});
