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

async function slackBot(apiTimeoutMs = 10_000, outbox: Partial<OutboxLimits> = {}): Promise<Bot & { sender: SlackSender }> {
  const logs: LogLine[] = [];
  const adapter = createSlackAdapter(
    { mode: 'http', botToken: 'xoxb-delivery', signingSecret: SLACK_SECRET, apiUrl: slackApi.apiUrl },
    { converse, overview, store: new MemoryStore(), logger: capturingLogger(logs) },
    { apiTimeoutMs, outbox },
  );
  const bot = await mount(adapter, '/slack/events', logs);
  return { ...bot, sender: new SlackSender(bot.url, SLACK_SECRET) };
}

async function feishuBot(apiTimeoutMs = 10_000, outbox: Partial<OutboxLimits> = {}): Promise<Bot> {
  const logs: LogLine[] = [];
  const adapter = createFeishuAdapter(
    { mode: 'webhook', appId: FEISHU.appId, appSecret: FEISHU.secret, encryptKey: FEISHU.key, verificationToken: FEISHU.token, domain: feishuApi.origin },
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

  it('Feishu: a 429 (99991400) with x-ogw-ratelimit-reset in one chat; the other chat is answered meanwhile', async () => {
    const bot = await feishuBot();
    const limited = groupMention('oc_limited000000000000000000000001');
    const messageId = limited.event.message.message_id;
    feishuApi.fail(new RegExp(`${messageId}/reply$`), 429, { code: 99991400, msg: 'request trigger frequency limit' }, 1, { 'x-ogw-ratelimit-reset': '2' });
    const started = Date.now();
    await deliver(bot.url, limited, { encryptKey: FEISHU.key });
    await feishuApi.waitFor(() => feishuApi.callsTo(/\/reply$/).length === 1, 10_000);
    const other = groupMention('oc_other00000000000000000000000001');
    await deliver(bot.url, other, { encryptKey: FEISHU.key });
    await feishuApi.waitFor(() => feishuApi.delivered.some((d) => d.target === other.event.message.message_id), 10_000);
    expect(feishuApi.delivered.some((d) => d.target === messageId)).toBe(false);
    await feishuApi.waitFor(() => feishuApi.delivered.some((d) => d.target === messageId), 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(feishuApi.callsTo(new RegExp(`${messageId}/reply$`)).map((c) => c.status)).toEqual([429, 200]);
    expect(errors(bot.logs)).toEqual([]);
  });
});

describe('an API that never answers', () => {
  const limits = { maxPending: 8, concurrency: 3, maxAttempts: 2, retryDelayMs: 50 };

  /**
   * Floods the bot with `events` deliveries while the API hangs: the bot must keep at most
   * `concurrency` calls open, keep at most `maxPending` replies, log the shedding once, log each
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
    const shed = errors(bot.logs).filter((l) => l.text.includes('further replies until the backlog clears'));
    expect(shed).toHaveLength(1);
    expect(shed[0]!.text).toMatch(/dropped, and further replies until the backlog clears: 8 replies already pending \(the API is not keeping up/);
    const givenUp = errors(bot.logs).filter((l) => l.text.includes('failed: no answer'));
    // Each accepted reply is logged once, when it is given up (after its attempts), never per attempt.
    expect(givenUp.length).toBeGreaterThanOrEqual(limits.maxPending);
    expect(givenUp.length + 1).toBe(errors(bot.logs).length);
    expect(givenUp.every((l) => l.text.includes('(after 2 attempts)'))).toBe(true);
    expect(new Set(givenUp.map((l) => l.text)).size).toBe(givenUp.length);

    // The same, as counters for metrics: every one of the 40 either shed or given up after one retry.
    const stats = bot.adapter.deliveries!();
    expect(stats).toMatchObject({ pending: 0, delivered: 0, failed: givenUp.length, retries: givenUp.length });
    expect(stats.failed + stats.shed).toBe(40);

    recover();
    await send(1000);
    await until(answered, 'an answer once the API is back');
    expect(bot.adapter.deliveries!()).toMatchObject({ pending: 0, delivered: 1 });
    expect(bot.logs.filter((l) => l.level === 'warn' && /backlog down to \d+; \d+ replies were dropped while it was full/.test(l.text))).toHaveLength(1);
  }

  it('Slack chat.postMessage: calls time out, open sockets and pending replies stay bounded, each loss is logged once', async () => {
    // Acks wait for room (see "backpressure" below) only briefly here, so the backlog overflows.
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
    // Acks wait for room (see "backpressure" below) only briefly here, so the backlog overflows.
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

describe('backpressure: while the backlog is full, the ack waits for room instead of a reply being shed', () => {
  const limits = { maxPending: 8, concurrency: 3 };

  interface Platform {
    bot: (ackWaitMs: number) => Promise<Bot>;
    /** Posts event i (to a conversation of its own); resolves with the HTTP status of the ack. */
    post: (bot: Bot, i: number) => Promise<number>;
    /** Reply calls the API received for event i. */
    replies: (i: number) => number;
    slow: (ms: number) => void;
    hang: () => void;
  }
  const feishuEvents = new Map<number, ReturnType<typeof groupMention>>();
  const platforms: Record<string, Platform> = {
    'Feishu (webhook)': {
      bot: (ackWaitMs) => feishuBot(60_000, { ...limits, ackWaitMs }),
      post: async (bot, i) => {
        feishuEvents.set(i, groupMention(`oc_busy${i}`));
        return (await deliver(bot.url, feishuEvents.get(i), { encryptKey: FEISHU.key })).status;
      },
      replies: (i) => feishuApi.delivered.filter((d) => d.target === feishuEvents.get(i)!.event.message.message_id).length,
      slow: (ms) => { feishuApi.sendDelayMs = ms; },
      hang: () => feishuApi.hang(/\/reply$/),
    },
    'Slack (Events API, HTTP)': {
      bot: (ackWaitMs) => slackBot(60_000, { ...limits, ackWaitMs }),
      // Channels of this run's own: the fake keeps every call of the file.
      post: async (bot, i) => (await (bot as Bot & { sender: SlackSender }).sender.event(mention(`C0BUSY${run}X${i}`))).status,
      replies: (i) => slackApi.callsTo('chat.postMessage').filter((c) => c.args.channel === `C0BUSY${run}X${i}` && c.result?.ok).length,
      slow: (ms) => { if (ms) slackApi.delays.set('chat.postMessage', ms); else slackApi.delays.clear(); },
      hang: () => slackApi.hang('chat.postMessage'),
    },
  };

  /**
   * 10 senders, each posting its next event once the last is acked (as a platform does that waits
   * for acks), 60 events, each to a conversation of its own, against an API that takes 150 ms per
   * reply: 20 replies a second at most, far slower than the acks could come.
   */
  let run = 0;
  async function flood(p: Platform, ackWaitMs: number) {
    run++;
    const bot = await p.bot(ackWaitMs);
    p.slow(150);
    let next = 0;
    let maxPending = 0;
    const statuses: number[] = [];
    const watch = setInterval(() => { maxPending = Math.max(maxPending, bot.adapter.deliveries!().pending); }, 5);
    try {
      await Promise.all(Array.from({ length: 10 }, async () => {
        while (next < 60) statuses.push(await p.post(bot, next++));
      }));
      await until(() => bot.adapter.deliveries!().pending === 0, 'the backlog to clear');
    } finally {
      clearInterval(watch);
      p.slow(0);
    }
    return { bot, statuses, maxPending, replies: Array.from({ length: 60 }, (_, i) => p.replies(i)) };
  }

  for (const [name, p] of Object.entries(platforms)) {
    describe(name, () => {
      it('a flood faster than a slow API: every event acked, every one answered once, none shed, the backlog within its bound', async () => {
        const { bot, statuses, maxPending, replies } = await flood(p, 10_000);
        expect(statuses).toEqual(Array(60).fill(200));
        expect(replies).toEqual(Array(60).fill(1));
        expect(bot.adapter.deliveries!()).toMatchObject({ pending: 0, delivered: 60, shed: 0, failed: 0 });
        expect(maxPending).toBeLessThanOrEqual(limits.maxPending);
        expect(errors(bot.logs)).toEqual([]);
      }, 60_000);

      it('without the wait (the control): the same flood sheds replies, logged once', async () => {
        const { bot, statuses, replies } = await flood(p, 0);
        expect(statuses).toEqual(Array(60).fill(200));
        const { shed } = bot.adapter.deliveries!();
        expect(shed).toBeGreaterThan(0);
        expect(replies.filter((n) => n === 0)).toHaveLength(shed);
        expect(errors(bot.logs).filter((l) => l.text.includes('further replies until the backlog clears'))).toHaveLength(1);
      }, 60_000);

      it('never hangs: with an API that never answers, each ack waits at most ackWaitMs, then the reply is shed, logged', async () => {
        const bot = await p.bot(200);
        p.hang();
        const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => p.post(bot, 100 + i)));
        expect(statuses).toEqual(Array(12).fill(200));
        await until(() => bot.adapter.deliveries!().pending + bot.adapter.deliveries!().shed === 12, 'every reply queued or shed');
        expect(bot.adapter.deliveries!().pending).toBeLessThanOrEqual(limits.maxPending);
        expect(errors(bot.logs).filter((l) => l.text.includes('further replies until the backlog clears'))).toHaveLength(1);
      }, 60_000);
    });
  }
});
