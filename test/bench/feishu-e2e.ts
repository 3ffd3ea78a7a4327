/**
 * Feishu end to end, webhook mode on 127.0.0.1: group @mention events (`im.message.receive_v1`),
 * encrypted and signed as Feishu sends them, posted to the bot (its own child process) at a fixed
 * rate — open loop, as Feishu pushes whether or not the bot keeps up. Two times per event: until
 * the 200 ack, and until the reply reaches the fake Feishu Open API (which runs here, in the
 * parent, and records arrival times). One delivery in ten is a duplicate: the same event again, or
 * the same message under a new event_id (as Feishu's re-pushes do); none may produce a reply.
 */
import { Agent, request } from 'node:http';
import type { FeishuConfig } from '../../src/infra/config.js';
import { FakeFeishu, FAKE_BOT_OPEN_ID, type RecordedCall } from '../fakes/feishu-api.js';
import { encrypt, messageEvent, newEventId, sign } from '../fakes/feishu-crypto.js';
import { startServer, type ServerChild } from './processes.js';
import { target, type BenchOptions, type Section } from './report.js';
import { fmt, Samples, sleep, summarize, table } from './stats.js';

const APP_ID = 'cli_be0c00000000be01';
export const APP_SECRET = 'bench-app-secret';
const ENCRYPT_KEY = 'bench-encrypt-key-0123';
const TOKEN = 'bench-verification-token';
const PATH = '/feishu/events';
const RATE = 200;
const REPLY_P99_LIMIT_MS = 15;

/** The bot's Feishu config: webhook mode, Open API at the fake (token and bot info at start-up). */
export const feishuConfig = (domain: string): FeishuConfig => ({
  mode: 'webhook', appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, domain,
});

interface Delivery {
  body: string;
  headers: Record<string, string>;
  messageId: string;
  duplicate: boolean;
}

type Envelope = ReturnType<typeof messageEvent>;

/** Encrypts and signs an envelope as Feishu does (fresh IV and nonce, so a re-push is new bytes). */
function delivery(envelope: Envelope, duplicate: boolean): Delivery {
  const body = JSON.stringify({ encrypt: encrypt(ENCRYPT_KEY, JSON.stringify(envelope)) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = Math.random().toString(36).slice(2, 12);
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': sign(timestamp, nonce, ENCRYPT_KEY, body),
    },
    messageId: envelope.event.message.message_id,
    duplicate,
  };
}

/**
 * `count` deliveries, built before the clock starts so the sender only sends. Every tenth repeats
 * the event five places back: alternately the very same event, and its message under a new event_id.
 */
function plan(count: number): Delivery[] {
  const envelopes: Envelope[] = [];
  const out: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) {
      const earlier = envelopes[envelopes.length - 5];
      const again = i % 20 === 9 ? earlier : { ...earlier, header: { ...earlier.header, event_id: newEventId() } };
      out.push(delivery(again, true));
      continue;
    }
    const envelope = messageEvent({
      appId: APP_ID, token: TOKEN, chatType: 'group', text: '@_user_1 湖北',
      mentions: [{ key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' }],
    });
    envelopes.push(envelope);
    out.push(delivery(envelope, false));
  }
  return out;
}

interface RunResult {
  ack: Samples;
  reply: Samples;
  errors: number;
  missing: number;
  /** Reply calls beyond one per message: the bot answered a duplicate. */
  extraReplies: number;
  duplicatesSent: number;
  messages: number;
  /** How late the sender got behind its schedule at worst (ms): if large, the rate was not held. */
  maxLagMs: number;
  seconds: number;
}

/** Sends `deliveries` at `rate`/s, then waits (bounded) for every reply. */
async function run(url: string, deliveries: Delivery[], rate: number, replies: Map<string, number[]>): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const ack = new Samples();
  const sentAt = new Map<string, number>();
  let errors = 0;
  let maxLagMs = 0;
  const inflight: Promise<void>[] = [];
  const interval = 1000 / rate;
  const start = performance.now();
  for (let i = 0; i < deliveries.length; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    const d = deliveries[i];
    const t0 = performance.now();
    if (!d.duplicate) sentAt.set(d.messageId, t0);
    inflight.push(new Promise<void>((resolve) => {
      const req = request(url, { method: 'POST', agent, headers: d.headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) ack.push(performance.now() - t0);
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(d.body);
    }));
  }
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(inflight);
  // Replies are sent after the ack: give the last ones up to 5 s to arrive.
  const deadline = Date.now() + 5000;
  while ([...sentAt.keys()].some((id) => !replies.has(id)) && Date.now() < deadline) await sleep(20);
  agent.destroy();

  const reply = new Samples();
  let missing = 0;
  let extraReplies = 0;
  for (const [id, t0] of sentAt) {
    const times = replies.get(id);
    if (!times) missing++;
    else {
      reply.push(times[0] - t0);
      extraReplies += times.length - 1;
    }
  }
  return {
    ack, reply, errors, missing, extraReplies, maxLagMs, seconds,
    duplicatesSent: deliveries.filter((d) => d.duplicate).length,
    messages: sentAt.size,
  };
}

export async function benchFeishu(opts: BenchOptions): Promise<Section> {
  const seconds = opts.quick ? 3 : 15;
  const fake = await FakeFeishu.start();
  fake.appSecret = APP_SECRET;
  // Arrival time of every reply call, by the message it answers. `calls` is the fake's public
  // record; its push is wrapped to timestamp each call the moment the fake has handled it.
  const replies = new Map<string, number[]>();
  const record = fake.calls.push.bind(fake.calls);
  fake.calls.push = (...calls: RecordedCall[]) => {
    const now = performance.now();
    for (const c of calls) {
      const id = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(c.path)?.[1];
      if (id && c.status === 200) replies.set(id, [...(replies.get(id) ?? []), now]);
    }
    return record(...calls);
  };
  let bot: ServerChild | undefined;
  try {
    bot = await startServer('bot', [JSON.stringify({ feishu: feishuConfig(fake.origin) })]);
    const url = `${bot.url}${PATH}`;
    await run(url, plan(opts.quick ? 100 : RATE * 2), RATE, replies); // warm-up, discarded
    const deliveries = plan(RATE * seconds);
    const cpu0 = await bot.cpu();
    const r = await run(url, deliveries, RATE, replies);
    const cpu1 = await bot.cpu();
    const cpuUsPerEvent = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / deliveries.length;
    const ack = summarize(r.ack.values());
    const reply = summarize(r.reply.values());
    const failures = r.errors + r.missing;
    return {
      name: 'feishu',
      data: {
        rate: RATE, seconds: r.seconds, deliveries: deliveries.length, messages: r.messages, duplicatesSent: r.duplicatesSent,
        ack, reply, errors: r.errors, missingReplies: r.missing, extraReplies: r.extraReplies, maxSenderLagMs: r.maxLagMs, cpuUsPerEvent,
      },
      tables: [
        table(`Feishu end to end: signed+encrypted group @mention "湖北", webhook, ${RATE} events/s for ${seconds} s`,
          ['', 'p50', 'p99', 'max'],
          [
            ['event → 200 ack', fmt.time(ack.p50), fmt.time(ack.p99), fmt.time(ack.max)],
            ['event → reply at Feishu API', fmt.time(reply.p50), fmt.time(reply.p99), fmt.time(reply.max)],
          ]),
        table('Feishu: delivery', ['events', 'duplicates sent', 'extra replies', 'errors', 'missing replies', 'bot CPU/event', 'sender lag max'],
          [[fmt.num(deliveries.length), fmt.num(r.duplicatesSent), fmt.num(r.extraReplies), fmt.num(r.errors), fmt.num(r.missing), `${fmt.num(cpuUsPerEvent)} µs`, fmt.time(r.maxLagMs)]]),
      ],
      targets: [
        target(`Feishu event → reply p99 at ${RATE}/s`, `< ${REPLY_P99_LIMIT_MS} ms`, fmt.time(reply.p99), reply.p99 < REPLY_P99_LIMIT_MS),
        target('Feishu errors and missing replies', '0', fmt.num(failures), failures === 0),
        target('Feishu extra replies to duplicates', '0', `${fmt.num(r.extraReplies)} (of ${fmt.num(r.duplicatesSent)} dups)`, r.extraReplies === 0),
      ],
    };
  } finally {
    await bot?.stop();
    await fake.close();
  }
}
