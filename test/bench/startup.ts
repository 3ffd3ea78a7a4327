/**
 * Start-up, as an operator sees it: `node src/bin/iiot.js start` (the compiled dist/) as a fresh process.
 *  - platforms: Slack (HTTP mode) and Feishu (webhook) configured from the environment, their APIs
 *    pointing at local fakes, until `GET /healthz` answers on PORT (asked after each line the bot
 *    writes, and every HEALTHZ_POLL_MS otherwise), and until both adapters are ready (auth.test and
 *    the Feishu bot info done: requests are answered, not 503);
 *  - console: no credentials, stdin piped "湖北\n", until the first answer is printed;
 *  - baselines in the same run: bare Bolt (servers/bare-bolt.mjs) and bare node-sdk
 *    (servers/bare-lark.mjs), each from spawn until it answers its first signed request with 200,
 *    and `node -e ''`, spawn to exit.
 * Median of 5 runs each, interleaved, after one unrecorded run of each (the file system cache). Children run in an
 * empty temporary directory so no developer `.env` can add (real) credentials.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeFeishu } from '../fakes/feishu-api.js';
import { deliver, messageEvent } from '../fakes/feishu-crypto.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { SlackSender, slashCommand } from '../fakes/signing.js';
import { benchCardJson, feishuConfig } from './feishu-e2e.js';
import { CLI, freePort, NODE_FLAGS, spawnTracked, startServer } from './processes.js';
import { SECRET as SLACK_SECRET } from './slack-e2e.js';
import { target, type BenchOptions, type Section } from './report.js';
import { fmt, median, sleep, table } from './stats.js';

const TIMEOUT_MS = 20_000;

/**
 * How often /healthz is asked while the bot writes nothing (it is asked at once after each line the
 * bot writes, such as its "ready" lines). Asking every 2 ms, as this bench used to, took enough CPU
 * on 2 shared cores, in the process that also serves the fake APIs the bot calls at start-up, to
 * make its start-up 40% slower than with nobody asking; bare Bolt's and node-sdk's first acks have
 * no such poller (the child says when it listens).
 */
const HEALTHZ_POLL_MS = 25;

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
 * Spawn → the first 200 from /healthz, and spawn → both adapters ready, in ms. The shared server
 * listens (and /healthz answers) only once every adapter has started; "ready" is when startBot has
 * finished, which it logs per adapter ("slack ready", "feishu ready") right after.
 */
async function platformsStart(env: Record<string, string>, cwd: string): Promise<{ healthz: number; ready: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawnTracked(process.execPath, [...NODE_FLAGS, CLI, 'start'], { cwd, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let ready: number | undefined;
  let chunks = 0;
  let wake = () => {};
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d;
    chunks++;
    if (ready === undefined && stderr.includes('slack ready') && stderr.includes('feishu ready')) ready = performance.now() - t0;
    wake();
  });
  /** Resolves when the bot writes something after the `seen`-th chunk, or after HEALTHZ_POLL_MS. */
  const nextLineOrPoll = (seen: number) => new Promise<void>((resolve) => {
    if (chunks !== seen) return resolve();
    const timer = setTimeout(resolve, HEALTHZ_POLL_MS);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  let healthz: number | undefined;
  try {
    for (;;) {
      const seen = chunks;
      if (healthz === undefined && (await healthy(port))) healthz = performance.now() - t0;
      if (healthz !== undefined && ready !== undefined) return { healthz, ready };
      if (child.exitCode !== null) throw new Error(`iiot start exited (${child.exitCode}) before it was ready:\n${stderr}`);
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`iiot start: not ready within ${TIMEOUT_MS} ms:\n${stderr}`);
      await nextLineOrPoll(seen);
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

/** Spawn → the first 200 to a request `ask` makes, for a baseline server (bench/servers/*.mjs). */
async function firstAck(script: string, args: string[], ask: (url: string) => Promise<number>): Promise<number> {
  const t0 = performance.now();
  const server = await startServer(script, args, TIMEOUT_MS);
  try {
    for (;;) {
      if ((await ask(server.url)) === 200) return performance.now() - t0;
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`${script}: no 200 within ${TIMEOUT_MS} ms`);
      await sleep(2);
    }
  } finally {
    await server.stop();
  }
}

/** Bare Bolt: a signed `/iiot 湖北`. */
const bareBolt = () => firstAck('bare-bolt', [SLACK_SECRET], async (url) =>
  (await new SlackSender(`${url}/slack/events`, SLACK_SECRET).command(slashCommand('湖北', 'http://127.0.0.1:9/response/bench'))).status);

/** Bare node-sdk: an encrypted and signed group @mention (its reply goes to the fake Feishu). */
function bareLark(domain: string): Promise<number> {
  const config = feishuConfig(domain);
  const card = benchCardJson();
  const event = () => messageEvent({ appId: config.appId, token: config.verificationToken!, chatType: 'group', text: '湖北' });
  return firstAck('bare-lark', [JSON.stringify(config), card], async (url) =>
    (await deliver(`${url}/feishu/events`, event(), { encryptKey: config.encryptKey! })).status);
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
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: slack.apiUrl,
      FEISHU_MODE: 'webhook',
      FEISHU_APP_ID: 'cli_be0c00000000be02',
      FEISHU_APP_SECRET: 'bench-app-secret',
      FEISHU_ENCRYPT_KEY: 'bench-encrypt-key-0123',
      FEISHU_VERIFICATION_TOKEN: 'bench-verification-token',
      FEISHU_DOMAIN: feishu.origin,
    };
    const kinds = {
      platforms: () => platformsStart(platformEnv, cwd),
      console: () => consoleFirstAnswer(consoleEnv, cwd),
      bareBolt: () => bareBolt(),
      bareLark: () => bareLark(feishu.origin),
      node: () => bareNode(cwd),
    };
    type Kind = keyof typeof kinds;
    const first: Partial<Record<Kind, unknown>> = {};
    for (const k of Object.keys(kinds) as Kind[]) first[k] = await kinds[k]();
    const xs: Record<Kind | 'healthz', number[]> = { platforms: [], healthz: [], console: [], bareBolt: [], bareLark: [], node: [] };
    // Interleaved, so a noisy moment on the machine does not fall on one kind only.
    for (let i = 0; i < runs; i++) {
      for (const k of Object.keys(kinds) as Kind[]) {
        const r = await kinds[k]();
        if (typeof r === 'number') xs[k].push(r);
        else {
          xs.platforms.push(r.ready);
          xs.healthz.push(r.healthz);
        }
      }
    }
    const m = Object.fromEntries(Object.entries(xs).map(([k, v]) => [k, median(v)])) as Record<keyof typeof xs, number>;
    const ratios = { readyVsBareBolt: m.platforms / m.bareBolt, readyVsBareLark: m.platforms / m.bareLark, consoleVsNode: m.console / m.node };
    const row = (label: string, k: keyof typeof xs) => [label, fmt.ms(m[k]), fmt.ms(Math.min(...xs[k])), fmt.ms(Math.max(...xs[k]))];
    return {
      name: 'startup',
      data: { runs, medianMs: m, runsMs: xs, ratios, firstRunMs: first },
      tables: [
        table(`Start-up: from spawn (median of ${runs}, interleaved, after one unrecorded run of each)`, ['until', 'median', 'min', 'max'], [
          row('iiot start, Slack HTTP + Feishu webhook: /healthz answers', 'healthz'),
          row('iiot start, Slack HTTP + Feishu webhook: both adapters ready', 'platforms'),
          row('bare Bolt: first signed /iiot acked', 'bareBolt'),
          row('bare node-sdk: first signed+encrypted event acked', 'bareLark'),
          row('iiot start, console chat: first answer to "湖北"', 'console'),
          row("node -e '' to exit", 'node'),
        ]),
        table('Start-up: ratios', ['', 'ratio'], [
          ['bot ready / bare Bolt first ack', fmt.ratio(ratios.readyVsBareBolt)],
          ['bot ready / bare node-sdk first ack', fmt.ratio(ratios.readyVsBareLark)],
          ["console chat first answer / node -e ''", fmt.ratio(ratios.consoleVsNode)],
        ]),
      ],
      targets: [
        target('Start-up to ready (both adapters) / bare Bolt first ack', '≤ 1.0×', fmt.ratio(ratios.readyVsBareBolt), ratios.readyVsBareBolt <= 1),
        target("Console chat first answer / node -e ''", '≤ 3×', fmt.ratio(ratios.consoleVsNode), ratios.consoleVsNode <= 3),
      ],
    };
  } finally {
    await slack.close();
    await feishu.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}
