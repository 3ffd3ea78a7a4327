/**
 * Feishu end to end, webhook mode on 127.0.0.1: group @mention events (`im.message.receive_v1`),
 * encrypted and signed as Feishu sends them, posted to the bot and, in the same run, to a bare
 * node-sdk app (EventDispatcher + `im.message.reply` of the same card: servers/bare-lark.mjs). Each is
 * its own child process; they take turns over rounds and the medians are reported.
 *  - Open loop at 200 events/s, as Feishu pushes whether or not the server keeps up: each event is
 *    timed until the 200 ack and until the reply reaches the fake Feishu Open API (which runs here,
 *    in the parent, and records arrival times), and each server's CPU time per event is read.
 *  - Closed loop: 10 senders, each posting its next event as soon as the last is acked, until a
 *    fixed number are sent: messages answered per second until the last reply, the most each
 *    server can sustain.
 * One delivery in ten is a duplicate: the same event again, or the same message under a new
 * event_id (as Feishu's re-pushes do); none may produce a reply.
 *
 * Then the same open loop with pictures on: a direct message "湖北", whose map the bot uploaded once
 * (in the warm-up), so each answer is one call with the image key in its first card; the bare app
 * replies with that very card, image key and all.
 */
import { Agent, request } from 'node:http';
import { handle } from '../../src/core/handle.js';
import type { FeishuConfig } from '../../src/infra/config.js';
import { personal } from '../../src/platforms/feishu/inbound.js';
import { renderFeishuCard } from '../../src/render/feishu.js';
import { FakeFeishu, FAKE_BOT_OPEN_ID, type RecordedCall } from '../fakes/feishu-api.js';
import { encrypt, messageEvent, newEventId, sign } from '../fakes/feishu-crypto.js';
import { startServer, type ServerChild } from './processes.js';
import { target, type BenchOptions, type Section } from './report.js';
import { fmt, median, Samples, sleep, summarize, table, type Summary } from './stats.js';

const APP_ID = 'cli_be0c00000000be01';
export const APP_SECRET = 'bench-app-secret';
const ENCRYPT_KEY = 'bench-encrypt-key-0123';
const TOKEN = 'bench-verification-token';
export const PATH = '/feishu/events';
const RATE = 200;
const SENDERS = 10;
const TEXT = '@_user_1 湖北';
/** The pictures case: a direct message, no mention. */
const PICTURE_TEXT = '湖北';

/** The bot's Feishu config: webhook mode, Open API at the fake (token and bot info at start-up). */
export const feishuConfig = (domain: string): FeishuConfig => ({
  mode: 'webhook', appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, domain,
});

/** The card JSON the bot sends for the bench's question: the bare node-sdk app sends these bytes. */
export function benchCardJson(): string {
  const answer = handle({ text: TEXT, platform: 'feishu' });
  // The bot's buttons carry the conversation (chat:message, a new one per mention): the bare app's
  // card carries one of the same shape and length, so both send the same bytes per reply.
  const { message } = mention().event;
  return JSON.stringify(renderFeishuCard(answer.card, { lang: answer.lang, conversation: `${message.chat_id}:${message.message_id}` }));
}

/** A sent card as JSON, with the conversation its buttons carry (one per question) left out. */
const cardShape = (card: unknown): string => JSON.stringify(card).replace(/"conv":"[^"]*"/g, '"conv":""');

export interface Delivery {
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
function plan(count: number, ask: () => Envelope = mention): Delivery[] {
  const envelopes: Envelope[] = [];
  const out: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) {
      const earlier = envelopes[envelopes.length - 5];
      const again = i % 20 === 9 ? earlier : { ...earlier, header: { ...earlier.header, event_id: newEventId() } };
      out.push(delivery(again, true));
      continue;
    }
    const envelope = ask();
    envelopes.push(envelope);
    out.push(delivery(envelope, false));
  }
  return out;
}

/** The text case's question: a group @mention. */
function mention(): Envelope {
  return messageEvent({
    appId: APP_ID, token: TOKEN, chatType: 'group', text: TEXT,
    mentions: [{ key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' }],
  });
}

/** A direct message asking `text`, encrypted and signed as Feishu sends it (for the pictures bench's bots). */
export const askDirectly = (text: string): Delivery => delivery(messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text }), false);

/** The pictures case's question: "湖北" in a direct message. */
const directMessage = (): Envelope => messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text: PICTURE_TEXT });

/** POSTs one delivery; resolves with the ack time in ms, or undefined for an error or a non-200. */
export function post(url: string, agent: Agent, d: Delivery): Promise<number | undefined> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: d.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - t0 : undefined));
    });
    req.on('error', () => resolve(undefined));
    req.end(d.body);
  });
}

/** When each message's reply reached the fake, by message id (more than one: an extra reply). */
type Replies = Map<string, number[]>;

interface Count {
  missing: number;
  /** Reply calls beyond one per message: the server answered a duplicate. */
  extra: number;
  times: Samples;
}

/** Each sent message's first reply time after `sentAt`; missing and extra replies. */
function countReplies(sentAt: Map<string, number>, replies: Replies): Count {
  const times = new Samples();
  let missing = 0;
  let extra = 0;
  for (const [id, t0] of sentAt) {
    const got = replies.get(id);
    if (!got) missing++;
    else {
      times.push(got[0] - t0);
      extra += got.length - 1;
    }
  }
  return { missing, extra, times };
}

/** Replies are sent after the ack: give the last ones up to 5 s to arrive. */
async function awaitReplies(ids: Iterable<string>, replies: Replies): Promise<void> {
  const deadline = Date.now() + 5000;
  const list = [...ids];
  while (list.some((id) => !replies.has(id)) && Date.now() < deadline) await sleep(20);
}

interface OpenLoop {
  ack: Summary;
  reply: Summary;
  errors: number;
  missing: number;
  extraReplies: number;
  duplicatesSent: number;
  messages: number;
  cpuUsPerEvent: number;
  /** How late the sender got behind its schedule at worst (ms): if large, the rate was not held. */
  maxLagMs: number;
}

/** Sends `deliveries` at `rate`/s, then waits (bounded) for every reply. */
async function openLoop(server: ServerChild, deliveries: Delivery[], rate: number, replies: Replies): Promise<OpenLoop> {
  const url = `${server.url}${PATH}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const ack = new Samples();
  const sentAt = new Map<string, number>();
  let errors = 0;
  let maxLagMs = 0;
  const inflight: Promise<void>[] = [];
  const interval = 1000 / rate;
  const cpu0 = await server.cpu();
  const start = performance.now();
  for (let i = 0; i < deliveries.length; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    const d = deliveries[i];
    if (!d.duplicate) sentAt.set(d.messageId, performance.now());
    inflight.push(post(url, agent, d).then((ms) => (ms === undefined ? void errors++ : ack.push(ms))));
  }
  await Promise.all(inflight);
  await awaitReplies(sentAt.keys(), replies);
  const cpu1 = await server.cpu();
  agent.destroy();
  const r = countReplies(sentAt, replies);
  return {
    ack: summarize(ack.values()), reply: summarize(r.times.values()), errors, missing: r.missing, extraReplies: r.extra,
    duplicatesSent: deliveries.filter((d) => d.duplicate).length, messages: sentAt.size, maxLagMs,
    cpuUsPerEvent: (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / deliveries.length,
  };
}

interface ClosedLoop {
  /** Messages answered per second: all of them, from the first send until the last reply arrived. */
  repliesPerSecond: number;
  errors: number;
  missing: number;
}

/**
 * SENDERS senders, each posting its next delivery once the last is acked, until all are sent; timed
 * until the last reply arrives. Acks come before replies, so the time to the last reply, not the
 * acks, is what each server can sustain.
 */
async function closedLoop(server: ServerChild, deliveries: Delivery[], replies: Replies): Promise<ClosedLoop> {
  const url = `${server.url}${PATH}`;
  const agent = new Agent({ keepAlive: true, maxSockets: SENDERS });
  const sentAt = new Map<string, number>();
  let next = 0;
  let errors = 0;
  const start = performance.now();
  const sender = async () => {
    while (next < deliveries.length) {
      const d = deliveries[next++];
      if (!d.duplicate) sentAt.set(d.messageId, performance.now());
      if ((await post(url, agent, d)) === undefined) errors++;
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  await awaitReplies(sentAt.keys(), replies);
  agent.destroy();
  let last = start;
  let answered = 0;
  for (const id of sentAt.keys()) {
    const t = replies.get(id)?.[0];
    if (t !== undefined) {
      answered++;
      last = Math.max(last, t);
    }
  }
  return { repliesPerSecond: answered / ((last - start) / 1000), errors, missing: sentAt.size - answered };
}

interface Contender {
  key: 'bot' | 'bare';
  label: string;
  server: ServerChild;
}

export async function benchFeishu(opts: BenchOptions): Promise<Section> {
  const rounds = opts.quick ? 1 : 3;
  const seconds = opts.quick ? 3 : 10;
  const closedEvents = opts.quick ? 500 : 3000;
  const fake = await FakeFeishu.start();
  fake.appSecret = APP_SECRET;
  // Arrival time of every reply call, by the message it answers. `calls` is the fake's public
  // record; its push is wrapped to timestamp each call the moment the fake has handled it.
  const replies: Replies = new Map();
  const record = fake.calls.push.bind(fake.calls);
  fake.calls.push = (...calls: RecordedCall[]) => {
    const now = performance.now();
    for (const c of calls) {
      const id = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(c.path)?.[1];
      if (id && c.status === 200) replies.set(id, [...(replies.get(id) ?? []), now]);
    }
    return record(...calls);
  };
  const servers: ServerChild[] = [];
  try {
    const config = feishuConfig(fake.origin);
    // The bare app replies with the very card the bot renders for this question.
    const card = benchCardJson();
    const contenders: Contender[] = [
      { key: 'bot', label: 'iiot bot', server: await startServer('bot', [JSON.stringify({ feishu: config })]) },
      { key: 'bare', label: 'bare node-sdk', server: await startServer('bare-lark', [JSON.stringify(config), card]) },
    ];
    servers.push(...contenders.map((c) => c.server));
    for (const c of contenders) await openLoop(c.server, plan(opts.quick ? 100 : RATE * 2), RATE, replies); // warm-up, discarded
    const sent = fake.delivered.map((d) => cardShape(d.card));
    if (new Set(sent).size !== 1 || sent[0] !== cardShape(JSON.parse(card))) {
      throw new Error('feishu bench: the bot and the bare node-sdk app did not send the same card');
    }
    const open: Record<string, OpenLoop[]> = { bot: [], bare: [] };
    const closed: Record<string, ClosedLoop[]> = { bot: [], bare: [] };
    for (let r = 0; r < rounds; r++) {
      for (const c of contenders) {
        fake.reset(); // the fake's record of calls would otherwise grow through the whole run
        open[c.key].push(await openLoop(c.server, plan(RATE * seconds), RATE, replies));
      }
      for (const c of contenders) {
        fake.reset();
        closed[c.key].push(await closedLoop(c.server, plan(closedEvents), replies));
      }
    }
    const agg = (key: string) => {
      const o = open[key];
      const sum = (f: (x: OpenLoop) => number) => o.reduce((n, x) => n + f(x), 0);
      return {
        ackP50: median(o.map((x) => x.ack.p50)), ackP99: median(o.map((x) => x.ack.p99)),
        replyP50: median(o.map((x) => x.reply.p50)), replyP99: median(o.map((x) => x.reply.p99)),
        max: Math.max(...o.map((x) => x.reply.max)),
        cpuUsPerEvent: median(o.map((x) => x.cpuUsPerEvent)),
        repliesPerSecond: median(closed[key].map((x) => x.repliesPerSecond)),
        errors: sum((x) => x.errors) + closed[key].reduce((n, x) => n + x.errors, 0),
        missing: sum((x) => x.missing), closedLoopMissing: closed[key].reduce((n, x) => n + x.missing, 0),
        extraReplies: sum((x) => x.extraReplies),
        events: rounds * RATE * seconds, duplicatesSent: sum((x) => x.duplicatesSent),
        maxLagMs: Math.max(...o.map((x) => x.maxLagMs)),
      };
    };
    const m = { bot: agg('bot'), bare: agg('bare') };
    const ratios = {
      cpu: m.bot.cpuUsPerEvent / m.bare.cpuUsPerEvent,
      replyP99: m.bot.replyP99 / m.bare.replyP99,
      ackP99: m.bot.ackP99 / m.bare.ackP99,
      throughput: m.bot.repliesPerSecond / m.bare.repliesPerSecond,
    };
    const failures = m.bot.errors + m.bot.missing + m.bot.closedLoopMissing;
    const withPictures = await picturesCase(fake, replies, servers, rounds, seconds, opts);
    const setup = `${RATE} events/s for ${seconds} s, then ${fmt.num(closedEvents)} events from ${SENDERS} closed-loop senders; ${rounds} round${rounds > 1 ? 's' : ''}, medians`;
    return {
      name: 'feishu',
      data: { rate: RATE, secondsPerRound: seconds, closedEvents, senders: SENDERS, rounds, results: m, ratios, perRound: { open, closed }, pictures: withPictures.data },
      tables: [
        table(`Feishu end to end: signed+encrypted group @mention "湖北", webhook (${setup})`,
          ['server', 'ack p50', 'ack p99', 'reply p50', 'reply p99', 'reply max', 'CPU/event', 'closed-loop replies/s'],
          contenders.map(({ key, label }) => {
            const x = m[key];
            return [label, fmt.time(x.ackP50), fmt.time(x.ackP99), fmt.time(x.replyP50), fmt.time(x.replyP99), fmt.time(x.max), `${fmt.num(x.cpuUsPerEvent)} µs`, fmt.num(x.repliesPerSecond)];
          })),
        table('Feishu: delivery (open loop, all rounds)', ['server', 'events', 'duplicates sent', 'extra replies', 'errors', 'missing replies', 'sender lag max'],
          contenders.map(({ key, label }) => {
            const x = m[key];
            return [label, fmt.num(x.events), fmt.num(x.duplicatesSent), fmt.num(x.extraReplies), fmt.num(x.errors), fmt.num(x.missing), fmt.time(x.maxLagMs)];
          })),
        withPictures.table,
      ],
      targets: [
        target('Feishu CPU per event, bot / bare node-sdk', '≤ 1.0×', fmt.ratio(ratios.cpu), ratios.cpu <= 1),
        target(`Feishu event → reply p99 at ${RATE}/s, bot / bare node-sdk`, '≤ 1.5×', fmt.ratio(ratios.replyP99), ratios.replyP99 <= 1.5),
        target(`Feishu event → ack p99 at ${RATE}/s, bot / bare node-sdk`, '≤ 1.5×', fmt.ratio(ratios.ackP99), ratios.ackP99 <= 1.5),
        target('Feishu closed-loop replies/s, bot / bare node-sdk', '≥ 1.0×', fmt.ratio(ratios.throughput), ratios.throughput >= 1),
        target('Feishu errors and missing replies (bot)', '0', fmt.num(failures), failures === 0),
        target('Feishu extra replies to duplicates (bot)', '0', `${fmt.num(m.bot.extraReplies)} (of ${fmt.num(m.bot.duplicatesSent)} dups)`, m.bot.extraReplies === 0),
        ...withPictures.targets,
      ],
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await fake.close();
  }
}

/**
 * Pictures on: the bot (a process of its own, PICTURES on) answers "湖北" in a direct message. Its map
 * is uploaded in the warm-up, so every answer measured is one reply carrying the image key; the bare
 * node-sdk app replies with that same card. Open loop only: CPU per event and reply p99 are the goals.
 */
async function picturesCase(fake: FakeFeishu, replies: Replies, servers: ServerChild[], rounds: number, seconds: number, opts: BenchOptions) {
  const config = feishuConfig(fake.origin);
  const bot = await startServer('bot', [JSON.stringify({ feishu: config, pictures: true })]);
  servers.push(bot);
  // The first answer: card, upload, patch. From then on the map's image key is known.
  fake.reset();
  await openLoop(bot, plan(1, directMessage), RATE, replies);
  for (let waited = 0; fake.patched.length === 0 && waited < 30_000; waited += 50) await sleep(50);
  const imageKey = fake.patched[0]?.card.body.elements.find((e: { tag: string }) => e.tag === 'img')?.img_key as string | undefined;
  if (!imageKey) throw new Error('feishu bench: the bot did not upload the map of its first picture answer');
  const answer = handle({ text: PICTURE_TEXT, platform: 'feishu' });
  const asker = directMessage().event.sender.sender_id.open_id;
  const card = JSON.stringify(renderFeishuCard(answer.card, { lang: answer.lang, imageKey, conversation: personal(asker).key }));
  const bare = await startServer('bare-lark', [JSON.stringify(config), card]);
  servers.push(bare);
  fake.reset(); // the first answer's card had no image yet
  const contenders: Contender[] = [{ key: 'bot', label: 'iiot bot, pictures on', server: bot }, { key: 'bare', label: 'bare node-sdk', server: bare }];
  for (const c of contenders) await openLoop(c.server, plan(opts.quick ? 100 : RATE * 2, directMessage), RATE, replies); // warm-up, discarded
  const sent = fake.delivered.map((d) => cardShape(d.card));
  if (new Set(sent).size !== 1 || sent[0] !== cardShape(JSON.parse(card))) {
    throw new Error('feishu bench: with pictures, the bot and the bare node-sdk app did not send the same card');
  }
  const open: Record<string, OpenLoop[]> = { bot: [], bare: [] };
  /** API calls the bot made per answer, by round: one reply each, nothing else. */
  const callsPerAnswer: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      fake.reset();
      const result = await openLoop(c.server, plan(RATE * seconds, directMessage), RATE, replies);
      open[c.key].push(result);
      if (c.key === 'bot') callsPerAnswer.push(fake.calls.length / fake.delivered.length);
    }
  }
  const agg = (key: string) => ({
    replyP50: median(open[key].map((x) => x.reply.p50)), replyP99: median(open[key].map((x) => x.reply.p99)),
    cpuUsPerEvent: median(open[key].map((x) => x.cpuUsPerEvent)),
    failures: open[key].reduce((n, x) => n + x.errors + x.missing + x.extraReplies, 0),
  });
  const m = { bot: agg('bot'), bare: agg('bare') };
  const ratios = { cpu: m.bot.cpuUsPerEvent / m.bare.cpuUsPerEvent, replyP99: m.bot.replyP99 / m.bare.replyP99 };
  const calls = Math.max(...callsPerAnswer);
  return {
    data: { text: PICTURE_TEXT, chat: 'p2p', results: m, ratios, callsPerAnswer, perRound: open },
    table: table(`Feishu with pictures: direct message "${PICTURE_TEXT}", its map uploaded before (${RATE} events/s for ${seconds} s; ${rounds} round${rounds > 1 ? 's' : ''}, medians)`,
      ['server', 'reply p50', 'reply p99', 'CPU/event', 'API calls per answer'],
      contenders.map(({ key, label }) => [label, fmt.time(m[key].replyP50), fmt.time(m[key].replyP99), `${fmt.num(m[key].cpuUsPerEvent)} µs`, key === 'bot' ? calls.toFixed(2) : '1.00'])),
    targets: [
      target('Feishu with pictures: CPU per event, bot / bare node-sdk', '≤ 1.0×', fmt.ratio(ratios.cpu), ratios.cpu <= 1),
      target(`Feishu with pictures: event → reply p99 at ${RATE}/s, bot / bare node-sdk`, '≤ 1.5×', fmt.ratio(ratios.replyP99), ratios.replyP99 <= 1.5),
      target('Feishu with pictures: API calls per answer, picture known (bot)', '1', calls.toFixed(2), calls === 1),
      target('Feishu with pictures: errors, missing and extra replies (bot)', '0', fmt.num(m.bot.failures), m.bot.failures === 0),
    ],
  };
}
