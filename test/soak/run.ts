/**
 * `npm run soak`: the bot as production runs it (`iiot start`, Slack HTTP mode and Feishu webhook
 * on one port), driven on 127.0.0.1 at a fixed rate for a fixed time with what real traffic brings:
 * questions on both platforms, re-deliveries, garbage, and API faults (Slack 429 with Retry-After,
 * Feishu 5xx and rate limits). Two replicas share one real Redis and every delivery may land on
 * either: REDIS_URL's, or a redis-server of its own on a free loopback port. It stops by itself and
 * prints requests, replies, duplicates suppressed, errors (must be 0) and each replica's resident
 * memory at start and end; it exits 1 on any error.
 *
 *   npm run soak -- --rate 40 --duration 30 [--replicas 2] [--grace 20]
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { buildDist, CLI, NODE_FLAGS, REPO_DIR, freePort, killAll, spawnTracked } from '../bench/processes.js';
import { sleep, table } from '../bench/stats.js';
import { FakeFeishu, FAKE_BOT_OPEN_ID } from '../fakes/feishu-api.js';
import { deliver, encrypt, messageEvent, newEventId } from '../fakes/feishu-crypto.js';
import { BOT_USER_ID, FakeSlack } from '../fakes/slack-api.js';
import { eventEnvelope, slashCommand, SlackSender } from '../fakes/signing.js';
import { RedisServer } from '../support/redis.js';

const { values: flags } = parseArgs({
  options: {
    rate: { type: 'string', default: '40' },
    duration: { type: 'string', default: '30' },
    replicas: { type: 'string' },
    grace: { type: 'string', default: '20' },
  },
});
const rate = Number(flags.rate);
const duration = Number(flags.duration);
const graceSec = Number(flags.grace);
const replicaCount = Number(flags.replicas ?? 2);
if (!(rate > 0 && duration > 0 && replicaCount >= 1 && graceSec >= 0)) {
  process.stderr.write('usage: npm run soak -- [--rate events/s] [--duration s] [--replicas n] [--grace s]\n');
  process.exit(2);
}

const SECRET = 'soak-signing-secret-0123456789';
const FEISHU = { appId: 'cli_a1b2c3d4e5f6a0a0', secret: 'soak-app-secret', key: 'soak-encrypt-key', token: 'soak-verification-token' };
const MENTION = { key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' };
const QUESTIONS = ['湖北', 'compare beijing shanghai', 'what tier is Yunnan in', '梯队', '后发追赶有哪些省', 'help', 'Zhejang', '核心数据'];

interface Replica {
  child: ChildProcess;
  origin: string;
  /** warn/error lines by message, for the summary. */
  lines: Map<string, number>;
  exited?: number | null;
}

async function startReplica(slack: FakeSlack, feishu: FakeFeishu, redisUrl: string | undefined): Promise<Replica> {
  const port = await freePort();
  const child = spawnTracked(process.execPath, [...NODE_FLAGS, CLI, 'start'], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '', PORT: String(port), LOG_LEVEL: 'warn',
      SLACK_MODE: 'http', SLACK_BOT_TOKEN: 'xoxb-soak', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl,
      FEISHU_MODE: 'webhook', FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret,
      FEISHU_ENCRYPT_KEY: FEISHU.key, FEISHU_VERIFICATION_TOKEN: FEISHU.token, FEISHU_DOMAIN: feishu.origin,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    },
  });
  const replica: Replica = { child, origin: `http://127.0.0.1:${port}`, lines: new Map() };
  let partial = '';
  child.stderr!.on('data', (d) => {
    const text = partial + d;
    const lines = text.split('\n');
    partial = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      let msg = line;
      try {
        const parsed = JSON.parse(line);
        msg = `${parsed.level}: ${parsed.msg}`.replace(/\b(om_|ou_|Ev|ev_)\w+/g, '$1…').slice(0, 120);
      } catch { /* not JSON: count the raw line */ }
      replica.lines.set(msg, (replica.lines.get(msg) ?? 0) + 1);
    }
  });
  child.once('exit', (code) => { replica.exited = code; });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (replica.exited !== undefined) throw new Error(`replica exited (${replica.exited}) at start-up: ${[...replica.lines.keys()].join('; ')}`);
    try {
      if ((await fetch(`${replica.origin}/readyz`)).ok) return replica;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error('replica not ready within 30 s');
    await sleep(100);
  }
}

/** Sums one counter over every label set in a Prometheus text page (those with `label`, if given). */
function metric(page: string, name: string, label?: string): number {
  let sum = 0;
  for (const m of page.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))) {
    if (!label || (m[1] ?? '').split(',').includes(label)) sum += Number(m[2]);
  }
  return sum;
}

const metrics = async (r: Replica) => (await fetch(`${r.origin}/metrics`)).text();

async function main(): Promise<number> {
  const slack = await FakeSlack.start();
  const feishu = await FakeFeishu.start();
  const replicas: Replica[] = [];
  // Replicas deduplicate through one Redis, as in production. Without REDIS_URL the soak runs its own
  // redis-server (a single replica may also run on the memory store).
  const ownRedis = !process.env.REDIS_URL && replicaCount > 1 ? await RedisServer.start() : undefined;
  const redisUrl = process.env.REDIS_URL ?? ownRedis?.url;
  try {
    // The replicas run dist/, as `npm start` does: built from the sources first.
    buildDist();
    for (let i = 0; i < replicaCount; i++) replicas.push(await startReplica(slack, feishu, redisUrl));
    /** Resident memory and heap in use, per replica. */
    const rss = async () => Promise.all(replicas.map(async (r) => {
      const page = await metrics(r);
      return { rss: metric(page, 'iiot_process_resident_memory_bytes'), heap: metric(page, 'iiot_nodejs_heap_size_used_bytes') };
    }));
    const rssStart = await rss();
    // Memory grows while code is compiled and the heap finds its size: growth counts from the end of
    // the first third of the run.
    let rssWarm = rssStart;

    const counts = { requests: 0, slashAnswered: 0, expectedReplies: 0, duplicatesSent: 0, garbage: 0, garbageRefused: 0, faults: 0, httpErrors: 0, transportErrors: 0 };
    const problems: string[] = [];
    const slackTargets = new Set<string>();
    const feishuTargets = new Set<string>();
    const sentSlack: { body: Record<string, unknown> }[] = [];
    const sentFeishu: ReturnType<typeof messageEvent>[] = [];

    const request = async (what: string, send: () => Promise<{ status: number }>, expect: 'ok' | '4xx') => {
      counts.requests++;
      try {
        const { status } = await send();
        if (expect === 'ok' && status !== 200) {
          counts.httpErrors++;
          problems.push(`${what}: HTTP ${status}`);
        }
        if (expect === '4xx') {
          if (status >= 400 && status < 500) counts.garbageRefused++;
          else problems.push(`${what}: HTTP ${status} (expected a 4xx)`);
        }
        return status;
      } catch (err) {
        counts.transportErrors++;
        problems.push(`${what}: ${(err as Error).message}`);
        return 0;
      }
    };
    const slackSender = (r: Replica) => new SlackSender(`${r.origin}/slack/events`, SECRET);
    const feishuUrl = (r: Replica) => `${r.origin}/feishu/events`;

    /** One delivery, chosen by its number: most are questions, some re-deliveries, garbage or faults. */
    const fire = async (i: number) => {
      const r = replicas[i % replicas.length]!;
      const other = replicas[(i + 1) % replicas.length]!;
      const q = QUESTIONS[i % QUESTIONS.length]!;
      const roll = i % 20;
      if (roll === 3 && sentSlack.length > 0) {
        // Slack re-delivers (retry header), to whichever replica the load balancer picks.
        counts.duplicatesSent++;
        const { body } = sentSlack[Math.floor(Math.random() * sentSlack.length)]!;
        return request('slack re-delivery', () => slackSender(other).event(body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }), 'ok');
      }
      if (roll === 13 && sentFeishu.length > 0) {
        // Feishu re-pushes the same event, or the same message under a new event id.
        counts.duplicatesSent++;
        const ev = sentFeishu[Math.floor(Math.random() * sentFeishu.length)]!;
        const again = i % 40 === 13 ? ev : { ...ev, header: { ...ev.header, event_id: newEventId() } };
        return request('feishu re-delivery', () => deliver(feishuUrl(other), again, { encryptKey: FEISHU.key }), 'ok');
      }
      if (roll === 7 || roll === 17) {
        counts.garbage++;
        const kind = Math.floor(i / 20) % 5;
        if (kind === 0) return request('slack signed null', () => slackSender(r).post('null', 'application/json'), '4xx');
        if (kind === 1) return request('slack signed {}', () => slackSender(r).post('{}', 'application/json'), '4xx');
        if (kind === 2) return request('slack forged', () => slackSender(r).post('{}', 'application/json', { signature: 'v0=bad' }), '4xx');
        if (kind === 3) return request('feishu decrypted null', () => deliver(feishuUrl(r), undefined, { encryptKey: FEISHU.key, rawBody: JSON.stringify({ encrypt: encrypt(FEISHU.key, 'null') }) }), '4xx');
        return request('feishu malformed', () => deliver(feishuUrl(r), undefined, { encryptKey: FEISHU.key, rawBody: '{"encrypt":' }), '4xx');
      }
      // An API fault on this delivery's reply (i % 5 === 4: a Feishu message), or a Slack 429 for
      // whichever reply comes next (Slack limits the whole app). Each is transient: a bot that retries
      // as it should still answers.
      const fault = roll === 9 ? (['slack 429', 'feishu 503', 'feishu 429'] as const)[i % 3]! : undefined;
      if (fault) counts.faults++;
      if (fault === 'slack 429') slack.rateLimit('chat.postMessage', 1);
      switch (i % 5) {
        case 0: {
          // The card rides in the ack: a 200 without blocks is an error too.
          return request('slash command', async () => {
            const res = await slackSender(r).command(slashCommand(q, slack.responseUrl(`soak-${i}`)));
            const answered = res.status === 200 && Array.isArray(res.json().blocks);
            if (answered) counts.slashAnswered++;
            return { status: answered || res.status !== 200 ? res.status : 500 };
          }, 'ok');
        }
        case 1:
        case 2: {
          const ts = `${1_800_000_000 + i}.000100`;
          const channel = i % 5 === 1 ? `C${i}` : `D${i}`;
          const event = i % 5 === 1
            ? { type: 'app_mention', user: 'U0SOAK', text: `<@${BOT_USER_ID}> ${q}`, ts, channel, event_ts: ts }
            : { type: 'message', channel_type: 'im', user: 'U0SOAK', text: q, ts, channel, event_ts: ts };
          const body = eventEnvelope(event, `EvSoak${i}`);
          counts.expectedReplies++;
          slackTargets.add(channel);
          sentSlack.push({ body });
          return request('slack event', () => slackSender(r).event(body), 'ok');
        }
        default: {
          const ev = i % 5 === 3
            ? messageEvent({ appId: FEISHU.appId, token: FEISHU.token, chatType: 'group', text: `@_user_1 ${q}`, mentions: [MENTION] })
            : messageEvent({ appId: FEISHU.appId, token: FEISHU.token, chatType: 'p2p', text: q });
          counts.expectedReplies++;
          const id = ev.event.message.message_id;
          feishuTargets.add(id);
          if (fault === 'feishu 503') feishu.fail(new RegExp(`/messages/${id}/reply$`), 503, { code: 99991663, msg: 'soak: unavailable' }, 1);
          if (fault === 'feishu 429') feishu.fail(new RegExp(`/messages/${id}/reply$`), 429, { code: 99991400, msg: 'soak: rate limited' }, 1);
          sentFeishu.push(ev);
          return request('feishu event', () => deliver(feishuUrl(r), ev, { encryptKey: FEISHU.key }), 'ok');
        }
      }
    };

    const total = Math.round(rate * duration);
    process.stderr.write(`soak: ${total} deliveries at ${rate}/s for ${duration} s to ${replicas.length} replica(s)${redisUrl ? ' sharing Redis' : ''}\n`);
    const started = performance.now();
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      inFlight.push(fire(i).catch((err: unknown) => {
        counts.transportErrors++;
        problems.push(`delivery ${i}: ${(err as Error).message}`);
      }));
      if (i === Math.floor(total / 3)) rssWarm = await rss();
    }
    await Promise.all(inFlight);
    const sentFor = (performance.now() - started) / 1000;

    // Replies go out after the ack; a rate-limited one after its Retry-After. Wait for the last ones.
    const slackReplies = () => slack.callsTo('chat.postMessage').filter((c) => c.result?.ok && slackTargets.has(c.args.channel));
    const feishuReplies = () => feishu.delivered.filter((d) => feishuTargets.has(d.target));
    const graceEnd = Date.now() + graceSec * 1000;
    while (slackReplies().length + feishuReplies().length < counts.expectedReplies && Date.now() < graceEnd) await sleep(100);
    await sleep(1000); // a late extra reply to a duplicate would show up now

    const perTarget = new Map<string, number>();
    for (const t of [...slackReplies().map((c) => `slack:${c.args.channel}`), ...feishuReplies().map((d) => `feishu:${d.target}`)]) perTarget.set(t, (perTarget.get(t) ?? 0) + 1);
    const answeredTargets = perTarget.size;
    const extraReplies = [...perTarget.values()].reduce((n, v) => n + v - 1, 0);
    const missingReplies = counts.expectedReplies - answeredTargets;
    if (missingReplies > 0) problems.push(`${missingReplies} deliveries never answered`);
    if (extraReplies > 0) problems.push(`${extraReplies} extra replies (a duplicate answered twice)`);

    const pages = await Promise.all(replicas.map(metrics));
    const rssEnd = pages.map((p) => ({ rss: metric(p, 'iiot_process_resident_memory_bytes'), heap: metric(p, 'iiot_nodejs_heap_size_used_bytes') }));
    const sum = (name: string, label?: string) => pages.reduce((n, p) => n + metric(p, name, label), 0);
    const exited = replicas.filter((r) => r.exited !== undefined);
    if (exited.length > 0) problems.push(`${exited.length} replica(s) exited`);
    const errors = counts.httpErrors + counts.transportErrors + missingReplies + extraReplies + exited.length
      + (counts.garbage - counts.garbageRefused);

    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
    const n = (v: number) => v.toLocaleString('en-US');
    process.stdout.write(table(`Soak: ${n(total)} deliveries in ${sentFor.toFixed(1)} s (${rate}/s), ${replicas.length} replica(s)${redisUrl ? ' on one Redis' : ''}`, ['', 'count'], [
      ['requests sent', n(counts.requests)],
      ['replies (slash-command acks + messages)', n(counts.slashAnswered + slackReplies().length + feishuReplies().length)],
      ['deliveries expecting a reply / answered', `${n(counts.expectedReplies)} / ${n(answeredTargets)}`],
      ['duplicates sent / suppressed (bot metrics)', `${n(counts.duplicatesSent)} / ${n(sum('iiot_duplicates_suppressed_total'))}`],
      ['garbage sent / refused with 4xx', `${n(counts.garbage)} / ${n(counts.garbageRefused)}`],
      ['API faults injected / API errors / retries (bot metrics)', `${n(counts.faults)} / ${n(sum('iiot_api_errors_total'))} / ${n(sum('iiot_api_retries_total'))}`],
      ['Slack 429s served', n(slack.rateLimitedCalls)],
      ['replies given up / shed (bot metrics)', `${n(sum('iiot_replies_dropped_total', 'reason="failed"'))} / ${n(sum('iiot_replies_dropped_total', 'reason="shed"'))}`],
      ['errors (must be 0)', n(errors)],
    ]));
    process.stdout.write('\n');
    const growth = (from: number, to: number) => `${(((to - from) / from) * 100).toFixed(1)}%`;
    process.stdout.write(table('Memory per replica: resident (heap in use)', ['replica', 'at start', 'after a third', 'at end', 'growth since a third'], replicas.map((_, k) => [
      String(k + 1),
      ...[rssStart[k]!, rssWarm[k]!, rssEnd[k]!].map((m) => `${mb(m.rss)} (${mb(m.heap)})`),
      `${growth(rssWarm[k]!.rss, rssEnd[k]!.rss)} (${growth(rssWarm[k]!.heap, rssEnd[k]!.heap)})`,
    ])));
    const lines = new Map<string, number>();
    for (const r of replicas) for (const [k, v] of r.lines) lines.set(k, (lines.get(k) ?? 0) + v);
    if (lines.size > 0) {
      process.stdout.write('\n');
      process.stdout.write(table('Warnings and errors the replicas logged', ['line', 'count'],
        [...lines].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, n(v)])));
    }
    for (const p of [...new Set(problems)].slice(0, 20)) process.stdout.write(`error: ${p}\n`);
    return errors === 0 ? 0 : 1;
  } finally {
    await Promise.all(replicas.map(async (r) => {
      if (r.exited !== undefined) return;
      r.child.kill('SIGTERM');
      await Promise.race([once(r.child, 'exit'), sleep(15_000)]);
    }));
    await killAll();
    await slack.close();
    await feishu.close();
    await ownRedis?.close();
  }
}

process.once('SIGINT', () => void killAll().finally(() => process.exit(130)));
main().then((code) => process.exit(code), async (err: unknown) => {
  process.stderr.write(`soak: ${err instanceof Error ? err.message : String(err)}\n`);
  await killAll();
  process.exit(1);
});
