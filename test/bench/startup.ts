/**
 * Start-up, as an operator sees it: `node src/bin/iiot.js start` as a fresh process.
 *  - platforms: Slack (HTTP mode) and Feishu (webhook) configured from the environment, their APIs
 *    pointing at local fakes, until `GET /healthz` answers on PORT, and until both adapters are
 *    ready (auth.test and the Feishu bot info done: requests are answered, not 503);
 *  - console: no credentials, stdin piped "湖北\n", until the first answer is printed.
 * Median of 5 runs each, after one unrecorded run that fills tsx's compile cache. Children run in an
 * empty temporary directory so no developer `.env` can add (real) credentials.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeFeishu } from '../fakes/feishu-api.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { CLI, freePort, NODE_FLAGS, spawnTracked } from './processes.js';
import { target, type BenchOptions, type Section } from './report.js';
import { fmt, median, sleep, table } from './stats.js';

const TIMEOUT_MS = 20_000;

/** The parent's environment without anything that would configure the bot. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(SLACK_|FEISHU_|PORT$|LOG_LEVEL$|NODE_OPTIONS$)/.test(k)) env[k] = v;
  }
  return env;
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Spawn → the first 200 from /healthz, and spawn → both adapters ready, in ms. They differ: the
 * shared server listens (and /healthz answers) while the adapters are still starting; "ready" is
 * when startBot has finished, which it logs per adapter ("slack ready", "feishu ready").
 */
async function platformsStart(env: Record<string, string>, cwd: string): Promise<{ healthz: number; ready: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawnTracked(process.execPath, [...NODE_FLAGS, CLI, 'start'], { cwd, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let ready: number | undefined;
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d;
    if (ready === undefined && stderr.includes('slack ready') && stderr.includes('feishu ready')) ready = performance.now() - t0;
  });
  let healthz: number | undefined;
  try {
    for (;;) {
      if (healthz === undefined && (await healthy(port))) healthz = performance.now() - t0;
      if (healthz !== undefined && ready !== undefined) return { healthz, ready };
      if (child.exitCode !== null) throw new Error(`iiot start exited (${child.exitCode}) before it was ready:\n${stderr}`);
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`iiot start: not ready within ${TIMEOUT_MS} ms:\n${stderr}`);
      await sleep(2);
    }
  } finally {
    await stop(child);
  }
}

/** Spawn → the first answer on stdout, in ms. */
async function consoleFirstAnswer(env: Record<string, string>, cwd: string): Promise<number> {
  const t0 = performance.now();
  const child = spawnTracked(process.execPath, [...NODE_FLAGS, CLI, 'start'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.write('湖北\n');
  let out = '';
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`console chat: no answer within ${TIMEOUT_MS} ms:\n${out}`)), TIMEOUT_MS);
      child.stdout!.on('data', (d: Buffer) => {
        out += d;
        // The connect hint comes first; the answer is the region card, titled with the name asked.
        if (out.includes('湖北')) {
          clearTimeout(timer);
          resolve(performance.now() - t0);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`console chat exited (${code}) without an answer:\n${out}`));
      });
    });
  } finally {
    child.stdin!.end();
    await stop(child);
  }
}

/** Reference: a Node process that does nothing, spawn → exit. */
async function bareNode(cwd: string): Promise<number> {
  const t0 = performance.now();
  const child = spawnTracked(process.execPath, ['-e', ''], { cwd, stdio: 'ignore' });
  await once(child, 'exit');
  return performance.now() - t0;
}

export async function benchStartup(opts: BenchOptions): Promise<Section> {
  const runs = opts.quick ? 3 : 5;
  const cwd = mkdtempSync(join(tmpdir(), 'iiot-bench-'));
  const slack = await FakeSlack.start();
  const feishu = await FakeFeishu.start();
  try {
    const consoleEnv = cleanEnv();
    const platformEnv = {
      ...consoleEnv,
      LOG_LEVEL: 'info', // for the "… ready" lines
      SLACK_MODE: 'http',
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
      SLACK_API_URL: slack.apiUrl,
      FEISHU_MODE: 'webhook',
      FEISHU_APP_ID: 'cli_be0c00000000be02',
      FEISHU_APP_SECRET: 'bench-app-secret',
      FEISHU_ENCRYPT_KEY: 'bench-encrypt-key-0123',
      FEISHU_VERIFICATION_TOKEN: 'bench-verification-token',
      FEISHU_DOMAIN: feishu.origin,
    };
    const first = { platforms: await platformsStart(platformEnv, cwd), console: await consoleFirstAnswer(consoleEnv, cwd) };
    const healthz: number[] = [];
    const platforms: number[] = [];
    const consoles: number[] = [];
    const nodes: number[] = [];
    // Interleaved, so a noisy moment on the machine does not fall on one kind only.
    for (let i = 0; i < runs; i++) {
      const p = await platformsStart(platformEnv, cwd);
      healthz.push(p.healthz);
      platforms.push(p.ready);
      consoles.push(await consoleFirstAnswer(consoleEnv, cwd));
      nodes.push(await bareNode(cwd));
    }
    const m = { healthz: median(healthz), platforms: median(platforms), console: median(consoles), node: median(nodes) };
    const row = (label: string, xs: number[], med: number) => [label, fmt.ms(med), fmt.ms(Math.min(...xs)), fmt.ms(Math.max(...xs))];
    return {
      name: 'startup',
      data: { runs, medianMs: m, runsMs: { healthz, platforms, console: consoles, node: nodes }, firstRunMs: first },
      tables: [
        table(`Start-up: src/bin/iiot.js start (median of ${runs}, after one unrecorded run)`, ['until', 'median', 'min', 'max'], [
          row('Slack HTTP + Feishu webhook: /healthz answers', healthz, m.healthz),
          row('Slack HTTP + Feishu webhook: both adapters ready', platforms, m.platforms),
          row('console chat: first answer to "湖北"', consoles, m.console),
          row('(reference) node -e "" to exit', nodes, m.node),
        ]),
      ],
      targets: [
        target('Start-up to ready (both adapters)', '< 1 s', fmt.ms(m.platforms), m.platforms < 1000),
        target('Console chat first answer', '< 1 s', fmt.ms(m.console), m.console < 1000),
      ],
    };
  } finally {
    await slack.close();
    await feishu.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}
