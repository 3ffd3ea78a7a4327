/**
 * Slack end to end, HTTP mode on 127.0.0.1: a correctly signed `/iiot 湖北` slash command POSTed to
 * the bot, answered with the card in the ack. The same load goes to two baselines in the same run:
 * a bare Bolt app acking an empty body, and a bare node:http server returning the bot's exact bytes
 * (plus one diagnostic row, Bolt acking those bytes). Each server is its own child process;
 * autocannon runs here, closed loop at a fixed concurrency. Servers take turns in rounds (bot, Bolt,
 * node, …, bot, Bolt, node, …) so a noisy moment on the machine does not fall on one of them only,
 * and each figure is the median over rounds. The servers' own CPU time per request is reported
 * too: on a shared 2-core machine it is steadier than requests/s.
 */
import type { SlackConfig } from '../../src/infra/config.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { slackSignature, slashCommand } from '../fakes/signing.js';
import { load, type LoadResult } from './load.js';
import { startServer, type ServerChild } from './processes.js';
import { target, type BenchOptions, type Section } from './report.js';
import { fmt, median, table } from './stats.js';

export const SECRET = 'bench-signing-secret-0123456789';
export const EVENTS_PATH = '/slack/events';
export const CONNECTIONS = 10;

/** The bot's Slack config: HTTP mode, Web API at the fake (auth.test at start-up). */
export const slackConfig = (apiUrl: string): SlackConfig => ({ mode: 'http', botToken: 'xoxb-bench-token', signingSecret: SECRET, apiUrl });

/**
 * One signed slash command. Bolt rejects timestamps older than 5 minutes, so callers sign afresh
 * for each phase; within a phase every request is the same bytes (a slash command has no dedup).
 */
export function signedCommand(text: string, responseUrl = 'http://127.0.0.1:9/response/bench') {
  const body = new URLSearchParams(slashCommand(text, responseUrl)).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      // Exactly this, without a charset: Bolt only form-decodes this exact value.
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SECRET, timestamp, body),
    },
  };
}

interface Phase extends LoadResult {
  /** The server's user+system CPU per completed request, µs. */
  cpuUsPerRequest: number;
}

async function phase(server: ServerChild, seconds: number): Promise<Phase> {
  const before = await server.cpu();
  const result = await load({ url: `${server.url}${EVENTS_PATH}`, requests: [signedCommand('湖北')], connections: CONNECTIONS, duration: seconds });
  const after = await server.cpu();
  const cpu = after.user - before.user + after.system - before.system;
  return { ...result, cpuUsPerRequest: cpu / Math.max(1, result.completed) };
}

interface Contender {
  key: string;
  label: string;
  server: ServerChild;
}

export async function benchSlack(opts: BenchOptions): Promise<Section> {
  const rounds = opts.quick ? 1 : 3;
  const seconds = opts.quick ? 2 : 8;
  const warmSeconds = opts.quick ? 1 : 3;
  const fake = await FakeSlack.start();
  const servers: ServerChild[] = [];
  const start = async (script: string, args: string[]) => {
    const s = await startServer(script, args);
    servers.push(s);
    return s;
  };
  try {
    const bot = await start('bot', [JSON.stringify({ slack: slackConfig(fake.apiUrl) })]);
    // What the bot answers, byte for byte: the baselines below send the same.
    const probe = signedCommand('湖北');
    const res = await fetch(`${bot.url}${EVENTS_PATH}`, { method: 'POST', headers: probe.headers, body: probe.body });
    const answer = Buffer.from(await res.arrayBuffer());
    const contentType = res.headers.get('content-type') ?? 'application/json';
    if (res.status !== 200 || !JSON.parse(answer.toString()).blocks?.[0]?.text?.text?.includes('湖北')) {
      throw new Error(`slack bench: the bot did not answer /iiot 湖北 with its card (${res.status}): ${answer.toString().slice(0, 200)}`);
    }
    const contenders: Contender[] = [
      { key: 'bot', label: 'iiot bot (/iiot 湖北 → card)', server: bot },
      { key: 'bareBolt', label: 'bare Bolt (empty ack)', server: await start('bare-bolt', [SECRET]) },
      { key: 'bareNode', label: 'bare node:http (same bytes)', server: await start('bare-node', [contentType, answer.toString('base64')]) },
      // Not a target, a diagnosis: Bolt sending the bot's card without computing it. Between bare
      // Bolt and this row is the cost of the bytes; between this row and the bot, the bot's own work.
      { key: 'boltCard', label: '(bare Bolt acking the same card)', server: await start('bare-bolt', [SECRET, answer.toString()]) },
    ];
    for (const c of contenders) await phase(c.server, warmSeconds); // JIT warm-up, discarded
    const phases: Record<string, Phase[]> = Object.fromEntries(contenders.map((c) => [c.key, []]));
    for (let r = 0; r < rounds; r++) {
      for (const c of contenders) phases[c.key].push(await phase(c.server, seconds));
    }

    const agg = (list: Phase[]) => ({
      rps: median(list.map((p) => p.rps)),
      p50: median(list.map((p) => p.p50)),
      p99: median(list.map((p) => p.p99)),
      max: Math.max(...list.map((p) => p.max)),
      errors: list.reduce((n, p) => n + p.errors, 0),
      completed: list.reduce((n, p) => n + p.completed, 0),
      cpuUsPerRequest: median(list.map((p) => p.cpuUsPerRequest)),
    });
    const m = Object.fromEntries(contenders.map((c) => [c.key, agg(phases[c.key])]));
    const vs = (base: string) => ({
      rps: m.bot.rps / m[base].rps,
      p99: m.bot.p99 / m[base].p99,
      cpu: m.bot.cpuUsPerRequest / m[base].cpuUsPerRequest,
    });
    const ratios = { vsBareBolt: vs('bareBolt'), vsBareNode: vs('bareNode'), vsBoltCard: vs('boltCard') };
    const rows = contenders.map(({ key, label }) => {
      const x = m[key];
      return [label, fmt.num(x.rps), fmt.time(x.p50), fmt.time(x.p99), fmt.time(x.max), fmt.num(x.errors), `${fmt.num(x.cpuUsPerRequest)} µs`];
    });
    const ratioRow = (label: string, r: { rps: number; p99: number; cpu: number }) => [label, fmt.ratio(r.rps), fmt.ratio(r.p99), fmt.ratio(r.cpu)];
    const setup = `${CONNECTIONS} connections, ${rounds} round${rounds > 1 ? 's' : ''} × ${seconds} s, medians`;
    return {
      name: 'slack',
      data: { connections: CONNECTIONS, rounds, secondsPerRound: seconds, responseBytes: answer.length, results: m, ratios, perRound: phases },
      tables: [
        table(`Slack end to end: signed /iiot 湖北, HTTP mode (${setup})`,
          ['server', 'req/s', 'p50', 'p99', 'max', 'errors', 'server CPU/req'], rows),
        table('Slack: ratios', ['', 'req/s', 'p99', 'CPU/req'], [
          ratioRow('bot / bare Bolt', ratios.vsBareBolt),
          ratioRow('bot / bare node:http', ratios.vsBareNode),
          ratioRow('(bot / Bolt acking the same card)', ratios.vsBoltCard),
        ]),
      ],
      targets: [
        target('Slack req/s, bot / bare Bolt', '≥ 1.1×', fmt.ratio(ratios.vsBareBolt.rps), ratios.vsBareBolt.rps >= 1.1),
        target('Slack p99, bot / bare Bolt', '≤ 1.0×', fmt.ratio(ratios.vsBareBolt.p99), ratios.vsBareBolt.p99 <= 1),
        target('Slack errors under load', '0', fmt.num(m.bot.errors), m.bot.errors === 0),
      ],
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await fake.close();
  }
}
