/**
 * Delivery under a misbehaving platform API, for Slack and Feishu alike, through the real adapters
 * (Bolt's receiver, node-sdk's dispatcher) over HTTP against the fake APIs: rate limits that name a
 * wait, an API that never answers, a flood of events while it does not.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { converse, overview } from '../src/core/handle.js';
import { startHttpServer } from '../src/infra/http-server.js';
import type { OutboxLimits } from '../src/infra/outbox.js';
import { MemoryStore } from '../src/infra/store.js';
import type { PlatformAdapter } from '../src/platforms/adapter.js';
import { createFeishuAdapter } from '../src/platforms/feishu/adapter.js';
import { createSlackAdapter } from '../src/platforms/slack/adapter.js';
import { FakeFeishu, FAKE_BOT_OPEN_ID } from './fakes/feishu-api.js';
import { deliver, messageEvent, newMessageId } from './fakes/feishu-crypto.js';
import { blockActions, eventEnvelope, SlackSender } from './fakes/signing.js';
import { BOT_USER_ID, FakeSlack } from './fakes/slack-api.js';
import { capturingLogger, type LogLine } from './support/logs.js';

const SLACK_SECRET = 'delivery-test-secret';
const FEISHU = { appId: 'cli_a1b2c3d4e5f6d001', secret: 'delivery-secret', key: 'delivery-key', token: 'delivery-token' };

let slackApi: FakeSlack;
let feishuApi: FakeFeishu;
const running: { adapter: PlatformAdapter; server: Server }[] = [];

beforeAll(async () => {
  slackApi = await FakeSlack.start();
  feishuApi = await FakeFeishu.start();
});

afterEach(async () => {
  for (const { adapter, server } of running.splice(0)) {
    await adapter.stop(Date.now() + 100);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  slackApi.clearFailures();
  feishuApi.reset();
});

afterAll(async () => {
  await slackApi?.close();
  await feishuApi?.close();
});

interface Bot {
  adapter: PlatformAdapter;
  url: string;
  logs: LogLine[];
}

async function mount(adapter: PlatformAdapter, path: string, logs: LogLine[]): Promise<Bot> {
  const server = await startHttpServer(adapter.routes, 0, '127.0.0.1');
  running.push({ adapter, server });
  await adapter.start();
  return { adapter, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, logs };
}

type SlackBot = Bot & { sender: SlackSender };

async function slackBot(apiTimeoutMs = 10_000, outbox: Partial<OutboxLimits> = {}, mode: 'http' | 'socket' = 'http'): Promise<SlackBot> {
  const logs: LogLine[] = [];
  const adapter = createSlackAdapter(
    { mode, botToken: 'xoxb-delivery', signingSecret: SLACK_SECRET, appToken: 'xapp-1-delivery', apiUrl: slackApi.apiUrl },
    { converse, overview, store: new MemoryStore(), logger: capturingLogger(logs) },
    { apiTimeoutMs, outbox },
  );
  const bot = await mount(adapter, '/slack/events', logs);
  return { ...bot, sender: new SlackSender(bot.url, SLACK_SECRET) };
}

async function feishuBot(apiTimeoutMs = 10_000, outbox: Partial<OutboxLimits> = {}, mode: 'webhook' | 'ws' = 'webhook'): Promise<Bot> {
  const logs: LogLine[] = [];
  const adapter = createFeishuAdapter(
    { mode, appId: FEISHU.appId, appSecret: FEISHU.secret, encryptKey: FEISHU.key, verificationToken: FEISHU.token, domain: feishuApi.origin },
    { converse, overview, store: new MemoryStore(), logger: capturingLogger(logs) },
    { apiTimeoutMs, outbox },
  );
  return mount(adapter, '/feishu/events', logs);
}

let ts = 1_700_100_000;
function mention(channel: string, text = '湖北') {
  const t = `${++ts}.000100`;
  return eventEnvelope({ type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> ${text}`, ts: t, channel, event_ts: t });
}

function groupMention(chatId: string, messageId = newMessageId()) {
  return messageEvent({
    appId: FEISHU.appId, token: FEISHU.token, chatType: 'group', chatId, messageId, text: '@_user_1 湖北',
    mentions: [{ key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' }],
  });
}

async function until<T>(pick: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = pick();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const errors = (logs: LogLine[]) => logs.filter((l) => l.level === 'error');

describe('a rate limit holds only its own conversation, for as long as the API says', () => {
  it('Slack: a 429 with Retry-After in one channel; the other channel is answered meanwhile', async () => {
    const bot = await slackBot();
    slackApi.rateLimit('chat.postMessage', 2, 1, 'C0LIMITED');
    const started = Date.now();
    await bot.sender.event(mention('C0LIMITED'));
    await slackApi.waitFor(() => slackApi.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0LIMITED'), 'the rate-limited call');
    await bot.sender.event(mention('C0OTHER'));
    const other = await slackApi.waitFor(() => slackApi.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0OTHER' && c.result?.ok), 'the other channel', 10_000);
    const calls = () => slackApi.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0LIMITED');
    // Answered while the limited channel still waits out its Retry-After.
    expect(calls()).toHaveLength(1);
    expect(other.result.ok).toBe(true);
    await slackApi.waitFor(() => calls()[1], 'the retry', 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(calls().map((c) => c.result?.ok)).toEqual([false, true]);
    expect(errors(bot.logs)).toEqual([]);
  });

  // Feishu answers some rate limits with HTTP 200 and the code alone: its reset header counts all the same.
  for (const status of [429, 200]) {
    it(`Feishu: a rate limit (HTTP ${status}, code 99991400) with x-ogw-ratelimit-reset in one chat; the other chat is answered meanwhile`, async () => {
      const bot = await feishuBot();
      const limited = groupMention('oc_limited000000000000000000000001');
      const messageId = limited.event.message.message_id;
      feishuApi.fail(new RegExp(`${messageId}/reply$`), status, { code: 99991400, msg: 'request trigger frequency limit' }, 1, { 'x-ogw-ratelimit-reset': '2' });
      await deliver(bot.url, limited, { encryptKey: FEISHU.key });
      await feishuApi.waitFor(() => feishuApi.callsTo(/\/reply$/).length === 1, 10_000);
      const other = groupMention('oc_other00000000000000000000000001');
      await deliver(bot.url, other, { encryptKey: FEISHU.key });
      await feishuApi.waitFor(() => feishuApi.delivered.some((d) => d.target === other.event.message.message_id), 10_000);
      expect(feishuApi.delivered.some((d) => d.target === messageId)).toBe(false);
      await feishuApi.waitFor(() => feishuApi.delivered.some((d) => d.target === messageId), 10_000);
      // One retry, once the named 2 s are over (not the 1 s backoff of an unexplained failure).
      const calls = feishuApi.callsTo(new RegExp(`${messageId}/reply$`));
      expect(calls.map((c) => c.status)).toEqual([status, 200]);
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(2000);
      expect(errors(bot.logs)).toEqual([]);
    });
  }
});

describe('an API that never answers', () => {
  const limits = { maxPending: 8, concurrency: 3, maxAttempts: 2, retryDelayMs: 50 };

  /**
   * Floods the bot with 40 deliveries while the API hangs: the bot must keep at most `concurrency`
   * calls open, keep at most `maxPending` replies, refuse the events beyond (logged once), log each
   * reply it gave up on once, and answer again once the API is back.
   */
  async function flood(bot: Bot, send: (i: number) => Promise<unknown>, api: { maxOpenRequests: number }, recover: () => void, answered: () => boolean) {
    let maxPending = 0;
    const watch = setInterval(() => { maxPending = Math.max(maxPending, bot.adapter.deliveries!().pending); }, 5);
    try {
      for (let i = 0; i < 40; i++) await send(i);
      await until(() => bot.adapter.deliveries!().pending === 0, 'the backlog to clear');
    } finally {
      clearInterval(watch);
    }
    expect(maxPending).toBeLessThanOrEqual(limits.maxPending);
    // The fake may still see an abandoned call's connection closing as its retry opens: hence 2×,
    // against one per event (40) before the bound.
    expect(api.maxOpenRequests).toBeLessThanOrEqual(2 * limits.concurrency);
    // Events beyond the bound are refused (503, for the platform to deliver again), one warning a run
    // (a run ends when the replies given up free the backlog; the next events may start another).
    const refused = bot.logs.filter((l) => l.level === 'warn' && l.text.includes('event refused, not acked'));
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThan(5);
    expect(refused[0]!.text).toMatch(/event refused, not acked \(the reply backlog stayed full for [\d.]+ s; \d+ replies pending\): the platform will deliver it again/);
    const givenUp = errors(bot.logs).filter((l) => l.text.includes('failed: no answer'));
    // Each accepted reply is logged once, when it is given up (after its attempts), never per attempt.
    expect(givenUp.length).toBeGreaterThan(0);
    expect(givenUp.length).toBe(errors(bot.logs).length);
    expect(givenUp.every((l) => l.text.includes('(after 2 attempts)'))).toBe(true);
    expect(new Set(givenUp.map((l) => l.text)).size).toBe(givenUp.length);

    // The same, as counters for metrics: every one of the 40 either refused or given up after one retry; none shed.
    const stats = bot.adapter.deliveries!();
    expect(stats).toMatchObject({ pending: 0, delivered: 0, failed: givenUp.length, retries: givenUp.length, shed: 0 });
    expect(stats.failed + stats.refused).toBe(40);

    recover();
    await send(1000);
    await until(answered, 'an answer once the API is back');
    // The fake has the message; the bot sees the API's answer a moment later.
    await until(() => bot.adapter.deliveries!().pending === 0, 'the answer to be counted');
    expect(bot.adapter.deliveries!()).toMatchObject({ pending: 0, delivered: 1 });
    // Each run's end is logged too, with its count.
    expect(bot.logs.filter((l) => l.level === 'warn' && /backlog down to \d+; \d+ events were refused for redelivery while it was full/.test(l.text))).toHaveLength(refused.length);
  }

  it('Slack chat.postMessage: calls time out, open sockets and pending replies stay bounded, each loss is logged once', async () => {
    // Acks wait for room (see "backpressure" below) only briefly here, so events are refused.
    const bot = await slackBot(300, { ...limits, ackWaitMs: 20 });
    slackApi.hang('chat.postMessage');
    slackApi.maxOpenRequests = 0;
    await flood(
      bot,
      (i) => bot.sender.event(mention(`C0FLOOD${i}`)),
      slackApi,
      () => slackApi.clearFailures(),
      () => slackApi.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0FLOOD1000' && c.result?.ok),
    );
  }, 60_000);

  it('Feishu im.message.reply: the same, once the wait for room in the backlog runs out', async () => {
    // Acks wait for room (see "backpressure" below) only briefly here, so events are refused.
    const bot = await feishuBot(300, { ...limits, ackWaitMs: 20 });
    feishuApi.hang(/\/reply$/);
    feishuApi.maxOpenRequests = 0;
    const last = groupMention('oc_flood1000');
    await flood(
      bot,
      (i) => deliver(bot.url, i === 1000 ? last : groupMention(`oc_flood${i}`), { encryptKey: FEISHU.key }),
      feishuApi,
      () => feishuApi.reset(),
      () => feishuApi.delivered.some((d) => d.target === last.event.message.message_id),
    );
  }, 60_000);

  it('Slack response_url: a button click whose response_url hangs times out and is logged once', async () => {
    const bot = await slackBot(300, { maxAttempts: 2, retryDelayMs: 50 });
    slackApi.hang('response_url');
    const res = await bot.sender.interaction(blockActions({ actionId: 'iiot:0', value: 'tier rising', responseUrl: slackApi.responseUrl('hung'), message: { channel: 'C0EPHEMERAL', ts: '1700100000.000100', ephemeral: true } }));
    expect(res.status).toBe(200);
    await until(() => errors(bot.logs).length > 0, 'the error log');
    await until(() => bot.adapter.deliveries!().pending === 0, 'the reply to be given up');
    expect(errors(bot.logs)).toHaveLength(1);
    expect(errors(bot.logs)[0]!.text).toMatch(/update ephemeral \(response_url\) to \S+ failed: no answer within 0\.3 s \(after 2 attempts\)/);
    expect(slackApi.responses.filter((r) => r.id === 'hung')).toHaveLength(2);
  }, 30_000);
});

describe('backpressure: while the backlog is full, the ack waits for room, and an event still without room is refused, never acked and lost', () => {
  const limits = { maxPending: 8, concurrency: 3 };

  interface Platform {
    bot: (ackWaitMs: number) => Promise<Bot>;
    /** Delivers event i (to a conversation of its own; `attempt` > 0: delivered again); resolves true once acked. */
    post: (bot: Bot, i: number, attempt: number) => Promise<boolean>;
    /** Replies the API received for event i. */
    replies: (i: number) => number;
    slow: (ms: number) => void;
    hang: () => void;
  }
  let run = 0;
  let ackWindowMs = 0;
  /** Each event's one envelope, so a redelivery is the same event (same ids), as the platforms send it. */
  const events = new Map<string, any>();
  const once = <T>(platform: string, i: number, make: () => T): T => {
    const key = `${platform}:${run}:${i}`;
    if (!events.has(key)) events.set(key, make());
    return events.get(key) as T;
  };
  const feishuMessage = (i: number) => once('feishu', i, () => groupMention(`oc_busy${run}x${i}`));
  const slackMention = (i: number) => once('slack', i, () => mention(`C0BUSY${run}X${i}`));
  const feishuReplies = (i: number) => feishuApi.delivered.filter((d) => d.target === feishuMessage(i).event.message.message_id).length;
  const slackReplies = (i: number) => slackApi.callsTo('chat.postMessage').filter((c) => c.args.channel === `C0BUSY${run}X${i}` && c.result?.ok).length;
  const feishuSlow = (ms: number) => { feishuApi.sendDelayMs = ms; };
  const slackSlow = (ms: number) => { if (ms) slackApi.delays.set('chat.postMessage', ms); else slackApi.delays.clear(); };
  /** An HTTP ack: 200, or a refusal that asks for the event again (never another status). */
  const acked = (status: number) => {
    expect([200, 503]).toContain(status);
    return status === 200;
  };
  const platforms: Record<string, Platform> = {
    'Feishu (webhook)': {
      bot: (ackWaitMs) => feishuBot(60_000, { ...limits, ackWaitMs }),
      post: async (bot, i) => acked((await deliver(bot.url, feishuMessage(i), { encryptKey: FEISHU.key })).status),
      replies: feishuReplies,
      slow: feishuSlow,
      hang: () => feishuApi.hang(/\/reply$/),
    },
    'Feishu (long connection)': {
      bot: (ackWaitMs) => feishuBot(60_000, { ...limits, ackWaitMs }, 'ws'),
      // node-sdk's ack frame: code 200, or 500 when the handler threw (refused), which Feishu pushes again.
      post: async (_bot, i) => {
        const { code } = await feishuApi.pushEvent(feishuMessage(i), 5000);
        expect([200, 500]).toContain(code);
        return code === 200;
      },
      replies: feishuReplies,
      slow: feishuSlow,
      hang: () => feishuApi.hang(/\/reply$/),
    },
    'Slack (Events API, HTTP)': {
      bot: (ackWaitMs) => slackBot(60_000, { ...limits, ackWaitMs }),
      post: async (bot, i, attempt) => acked((await (bot as SlackBot).sender.event(slackMention(i),
        attempt ? { headers: { 'x-slack-retry-num': String(attempt), 'x-slack-retry-reason': 'http_error' } } : {})).status),
      replies: slackReplies,
      slow: slackSlow,
      hang: () => slackApi.hang('chat.postMessage'),
    },
    'Slack (Socket Mode)': {
      bot: (ackWaitMs) => slackBot(60_000, { ...limits, ackWaitMs }, 'socket'),
      // An envelope not acked in time (Slack waits 3 s; here a little longer than the bot waits for room) comes again in a new envelope.
      post: async (_bot, i, attempt) => {
        const envelopeId = `env-${run}-${i}-${attempt}`;
        slackApi.sendEnvelope({
          envelope_id: envelopeId, type: 'events_api', accepts_response_payload: false, payload: slackMention(i),
          ...(attempt ? { retry_attempt: attempt, retry_reason: 'timeout' } : {}),
        });
        return slackApi.waitFor(() => slackApi.socketFrames.find((f) => f.envelope_id === envelopeId), 'the ack', ackWindowMs).then(() => true, () => false);
      },
      replies: slackReplies,
      slow: slackSlow,
      hang: () => slackApi.hang('chat.postMessage'),
    },
  };

  /**
   * 10 senders, each delivering its next event once the last is acked or refused (as a platform does
   * that waits for acks, not for replies), `count` events, each to a conversation of its own, against
   * an API that takes `apiMs` per reply, far slower than the acks could come. A refused event is
   * delivered again, after the others waiting (as the platforms retry later), until it is acked.
   */
  async function flood(p: Platform, ackWaitMs: number, count: number, apiMs: number) {
    run++;
    ackWindowMs = ackWaitMs + 500;
    const bot = await p.bot(ackWaitMs);
    p.slow(apiMs);
    const queue = Array.from({ length: count }, (_, i) => ({ i, attempt: 0 }));
    let acks = 0;
    let refusals = 0;
    let maxPending = 0;
    const watch = setInterval(() => { maxPending = Math.max(maxPending, bot.adapter.deliveries!().pending); }, 5);
    try {
      await Promise.all(Array.from({ length: 10 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          if (await p.post(bot, next.i, next.attempt)) acks++;
          else {
            refusals++;
            queue.push({ i: next.i, attempt: next.attempt + 1 });
          }
        }
      }));
      await until(() => bot.adapter.deliveries!().pending === 0, 'the backlog to clear');
    } finally {
      clearInterval(watch);
      p.slow(0);
    }
    return { bot, acks, refusals, maxPending, replies: Array.from({ length: count }, (_, i) => p.replies(i)) };
  }

  for (const [name, p] of Object.entries(platforms)) {
    describe(name, () => {
      it('a flood faster than a slow API, with room to wait for: every event acked at once or after a wait, answered once', async () => {
        const { bot, acks, refusals, maxPending, replies } = await flood(p, 2500, 40, 150);
        expect({ acks, refusals }).toEqual({ acks: 40, refusals: 0 });
        expect(replies).toEqual(Array(40).fill(1));
        expect(bot.adapter.deliveries!()).toMatchObject({ pending: 0, delivered: 40, shed: 0, failed: 0, refused: 0 });
        expect(maxPending).toBeLessThanOrEqual(limits.maxPending);
        expect(errors(bot.logs)).toEqual([]);
      }, 60_000);

      it('a flood with hardly any wait: events without room are refused and delivered again; each is answered exactly once, none acked and lost', async () => {
        const { bot, acks, refusals, maxPending, replies } = await flood(p, 20, 60, 40);
        expect(refusals).toBeGreaterThan(0);
        expect(acks).toBe(60);
        expect(replies).toEqual(Array(60).fill(1));
        expect(bot.adapter.deliveries!()).toMatchObject({ pending: 0, delivered: 60, shed: 0, failed: 0, refused: refusals });
        expect(maxPending).toBeLessThanOrEqual(limits.maxPending);
        // One line per refused event (its outcome), one warning when the refusals start.
        const lines = bot.logs.filter((l) => l.text.includes('"outcome":"refused"'));
        expect(lines).toHaveLength(refusals);
        expect(bot.logs.filter((l) => l.level === 'warn' && l.text.includes('event refused, not acked')).length).toBeGreaterThanOrEqual(1);
        expect(errors(bot.logs)).toEqual([]);
      }, 60_000);

      it('never hangs: with an API that never answers, each ack waits at most ackWaitMs, then the event is refused', async () => {
        run++;
        ackWindowMs = 700;
        const bot = await p.bot(200);
        p.hang();
        const acked = (await Promise.all(Array.from({ length: 12 }, (_, i) => p.post(bot, 100 + i, 0)))).filter(Boolean).length;
        // An event still handled counts against the bound as well as its reply, so fewer than maxPending may be acked.
        expect(acked).toBeGreaterThan(0);
        expect(acked).toBeLessThanOrEqual(limits.maxPending);
        await until(() => bot.adapter.deliveries!().pending === acked, 'the acked events\' replies queued');
        expect(bot.adapter.deliveries!()).toMatchObject({ shed: 0, refused: 12 - acked });
      }, 60_000);
    });
  }
});

describe('a full backlog and what gets no reply', () => {
  it('acks a Slack channel message the bot will not answer at once, while a mention waiting for room is refused', async () => {
    slackApi.delays.set('chat.postMessage', 1500);
    const bot = await slackBot(10_000, { maxPending: 1, concurrency: 1, ackWaitMs: 100 });
    expect((await bot.sender.event(mention('C0FULL1'))).status).toBe(200); // its reply now fills the backlog
    expect((await bot.sender.event(mention('C0FULL2'))).status).toBe(503);
    const t = `${++ts}.000100`;
    const chatter = eventEnvelope({ type: 'message', channel_type: 'channel', user: 'U0ASKER', text: 'lunch?', ts: t, channel: 'C0FULL1', event_ts: t });
    expect((await bot.sender.event(chatter)).status).toBe(200);
    await slackApi.waitFor(() => bot.logs.find((l) => l.text.includes('channel message outside a thread')), 'the ignored line');
    slackApi.delays.clear();
  });
});
