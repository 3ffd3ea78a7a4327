/**
 * `npm start` builds dist/ before it starts the bot (src/bin/build.mjs). Two replicas started at the
 * same moment from one checkout, and `npx iiot` run during a build, must all find a whole dist/; a
 * start with nothing changed must not build at all. Run in a copy of the repository (its own dist,
 * the same node_modules), so the builds here race only each other.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const copy = join(mkdtempSync(join(tmpdir(), 'iiot-build-')), 'repo');
const dist = join(copy, 'dist');
// No credentials: npm start opens the console chat, answers the piped line and exits.
const env = { PATH: process.env.PATH ?? '', HOME: copy, npm_config_update_notifier: 'false' };

interface Run { code: number | null; stdout: string; stderr: string }

function npmStart(): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['start', '--silent'], { cwd: copy, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdin.end('湖北\n');
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const builds = () => readdirSync(copy).filter((name) => name.startsWith('.dist-')).sort();

beforeAll(() => {
  for (const part of ['src', 'data', 'package.json', 'package-lock.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  const first = spawnSync(process.execPath, ['src/bin/build.mjs'], { cwd: copy, env, encoding: 'utf8' });
  expect(first.status, first.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(dirname(copy), { recursive: true, force: true }));

describe('npm start twice at once, after a change to the sources', () => {
  it('both build, both answer, and dist/ is whole at every moment in between', async () => {
    const before = realpathSync(dist);
    appendFileSync(join(copy, 'src/core/data.ts'), '\n// a change: the next build has another key\n');
    // Watches dist/ as a reader would, as often as the event loop lets it, until both starts are done.
    const missing: string[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        for (const file of ['iiot.cjs', 'iiot.cjs.cache', 'core/data.js']) {
          if (!existsSync(join(dist, file))) missing.push(file);
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const runs = await Promise.all([npmStart(), npmStart()]);
    watching = false;
    await watch;

    for (const run of runs) {
      expect(run.stderr).not.toMatch(/ENOENT|Error/);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('湖北 · 示范引领梯队');
    }
    expect(missing).toEqual([]);
    expect(realpathSync(dist)).not.toBe(before);
    // Nothing is left under way, and the build before stays for bots still running from it.
    expect(builds().filter((name) => /tmp|link/.test(name))).toEqual([]);
    expect(builds()).toContain(before.split('/').pop());
  }, 240_000);

  it('npx iiot answers from the new build', () => {
    const run = spawnSync(process.execPath, [join(copy, 'src/bin/iiot.js'), 'ask', '--lang', 'en', '湖北'], { cwd: copy, env, encoding: 'utf8' });
    expect(run.stdout).toContain('Hubei 湖北 · Tier: Leading the Way');
    expect(run.stderr).toBe('');
  });

  it('the build draws the answers\' pictures whole, and the masks any other picture is composed from, without resvg', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { handle } = await import('./dist/core/handle.js');
      const { compose } = await import('./dist/pictures/compose.js');
      const { composedPng } = await import('./dist/pictures/png.js');
      const { pictureScene } = await import('./dist/pictures/svg.js');
      const { Pictures } = await import('./dist/pictures/index.js');
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@resvg'));
      const pictures = new Pictures();
      const hubei = handle({ text: '湖北', platform: 'cli' }).card.image;
      const built = (await pictures.png(hubei, 'zh')).bytes;
      const resvgForBuilt = loaded();
      const { masks: allMasks } = await import('./dist/pictures/draw.js');
      const masks = allMasks();
      const composed = await composedPng(compose(pictureScene(hubei, 'zh'), masks));
      const drawnBefore = masks.drawnCount;
      const comparison = (await pictures.png(handle({ text: '湖北和湖南比较', platform: 'cli' }).card.image, 'zh')).bytes;
      console.log(JSON.stringify({ same: built.equals(composed), resvgForBuilt, drawnBefore, drawnAfter: masks.drawnCount, comparison: comparison.length, resvg: loaded() }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: copy, env, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout);
    // Hubei's map is the build's file (read without resvg), the same bytes its masks compose to, and
    // no mask was drawn for it.
    expect(out.same).toBe(true);
    expect(out.resvgForBuilt).toBe(false);
    expect(out.drawnBefore).toBe(0);
    // A comparison is composed: only its title (not in any answer the build knows) is drawn, with resvg.
    expect(out.drawnAfter).toBe(1);
    expect(out.comparison).toBeGreaterThan(50_000);
    expect(out.resvg).toBe(true);
    expect(readdirSync(join(dist, 'pictures/built')).filter((f) => f.endsWith('.png')).length).toBeGreaterThan(2 * 31);
  });

  it('a start with nothing changed does not build', async () => {
    const current = realpathSync(dist);
    const list = builds();
    const written = statSync(join(dist, 'iiot.cjs')).mtimeMs;
    const run = await npmStart();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('湖北 · 示范引领梯队');
    expect(run.stderr).not.toContain('build:');
    expect(realpathSync(dist)).toBe(current);
    expect(statSync(join(dist, 'iiot.cjs')).mtimeMs).toBe(written);
    expect(builds()).toEqual(list);
  }, 60_000);
});
