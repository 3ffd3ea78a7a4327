/**
 * Two replicas of the bot behind a load balancer, sharing one real redis-server: each has its own HTTP
 * port and its own Redis connection, with the same Slack (HTTP mode) and Feishu (webhook) credentials.
 * A delivery that reaches both (a platform retry landing on the other replica, or one message under two
 * event ids) must be answered exactly once; a bot whose Redis is down still answers.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../src/app.js';
import type { Config } from '../src/infra/config.js';
import type { FeishuAdapter } from '../src/platforms/feishu/adapter.js';
import { cardText, FakeFeishu, FAKE_BOT_OPEN_ID } from './fakes/feishu-api.js';
import { deliver, messageEvent, newEventId, newMessageId } from './fakes/feishu-crypto.js';
import { eventEnvelope, SlackSender } from './fakes/signing.js';
import { BOT_USER_ID, FakeSlack } from './fakes/slack-api.js';
import { capturingLogger, type LogLine } from './support/logs.js';
import { Redis } from 'ioredis';
import { freePort, RedisServer } from './support/redis.js';

const SLACK_SECRET = 'replica-signing-secret-0123456789';
// Unique per test file: node-sdk caches tokens per appId.
const APP_ID = 'cli_a1b2c3d4e5f6000d';
const ENCRYPT_KEY = 'replica-encrypt-key';
const TOKEN = 'replica-verification-token';

let redis: RedisServer;
let slackApi: FakeSlack;
let feishuApi: FakeFeishu;
const replicas: Replica[] = [];
const logs: LogLine[] = [];

interface Replica {
  bot: RunningBot;
  slack: SlackSender;
  feishu: (envelope: unknown) => Promise<{ status: number }>;
  idle(): Promise<void>;
}

const configFor = (redisUrl: string): Config => ({
  port: 0,
  logLevel: 'error',
  slack: { mode: 'http', botToken: 'xoxb-replica', signingSecret: SLACK_SECRET, apiUrl: slackApi.apiUrl },
  feishu: { mode: 'webhook', appId: APP_ID, appSecret: 'replica-app-secret', encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, domain: feishuApi.origin },
  redis: { url: redisUrl, keyPrefix: 'replicas-test:' },
});

async function startReplica(redisUrl: string): Promise<Replica> {
  const bot = await startBot(configFor(redisUrl), { host: '127.0.0.1', logger: capturingLogger(logs) });
  const origin = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}`;
  const feishu = bot.adapters.find((a) => a.name === 'feishu') as FeishuAdapter;
  return {
    bot,
    slack: new SlackSender(`${origin}/slack/events`, SLACK_SECRET),
    feishu: (envelope) => deliver(`${origin}/feishu/events`, envelope, { encryptKey: ENCRYPT_KEY }),
    idle: () => feishu.idle(),
  };
}

beforeAll(async () => {
  [redis, slackApi, feishuApi] = await Promise.all([RedisServer.start(), FakeSlack.start(), FakeFeishu.start()]);
  replicas.push(await startReplica(redis.url), await startReplica(redis.url));
}, 30_000);

afterAll(async () => {
  await Promise.allSettled(replicas.map((r) => r.bot.stop()));
  await Promise.allSettled([slackApi?.close(), feishuApi?.close(), redis?.close()]);
});

beforeEach(() => {
  logs.length = 0;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let seq = 0;
const nextTs = () => `1700100${String(++seq).padStart(3, '0')}.000100`;

const mention = (ts: string, text = '湖北') =>
  ({ type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> ${text}`, ts, channel: 'C0GENERAL', event_ts: ts });
const groupMessage = (spec: { messageId?: string; eventId?: string } = {}, region = '湖北') =>
  messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'group', text: `@_user_1 ${region}`, mentions: [{ key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' }], ...spec });
const imgKey = (card: any): string | undefined => card.body.elements.find((e: any) => e.tag === 'img')?.img_key;

/** Slack replies (chat.postMessage) after both replicas had time to act on what they were sent. */
async function slackRepliesAfter(before: number, atLeast: number): Promise<number> {
  await slackApi.waitFor(() => slackApi.callsTo('chat.postMessage')[before + atLeast - 1], `${atLeast} replies`, 15_000);
  await sleep(500); // room for a second, wrong reply to show up
  return slackApi.callsTo('chat.postMessage').length - before;
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function feishuRepliesAfter(before: number): Promise<number> {
  await Promise.all(replicas.map((r) => r.idle()));
  return feishuApi.callsTo(/\/reply$/).length - before;
}

describe('two replicas on one Redis', () => {
  it('each verified its credentials and holds its own Redis connection', () => {
    expect(slackApi.callsTo('auth.test')).toHaveLength(2);
    expect(replicas.map((r) => r.bot.store.ready?.())).toEqual([true, true]);
  });

  describe('Slack (HTTP mode)', () => {
    it('answers the same event delivered to both replicas once', async () => {
      const before = slackApi.callsTo('chat.postMessage').length;
      const envelope = eventEnvelope(mention(nextTs()));
      const [a, b] = await Promise.all(replicas.map((r) => r.slack.event(envelope)));
      expect([a!.status, b!.status]).toEqual([200, 200]);
      expect(await slackRepliesAfter(before, 1)).toBe(1);
    });

    it('answers a retry that lands on the other replica once', async () => {
      const before = slackApi.callsTo('chat.postMessage').length;
      const envelope = eventEnvelope(mention(nextTs()));
      await replicas[0]!.slack.event(envelope);
      await slackApi.waitFor(() => slackApi.callsTo('chat.postMessage')[before], 'the first reply', 15_000);
      await replicas[1]!.slack.event(envelope, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
      expect(await slackRepliesAfter(before, 1)).toBe(1);
    });

    it('answers one message that reaches the replicas under two event ids once', async () => {
      const before = slackApi.callsTo('chat.postMessage').length;
      const ts = nextTs();
      await Promise.all([replicas[0]!.slack.event(eventEnvelope(mention(ts))), replicas[1]!.slack.event(eventEnvelope(mention(ts)))]);
      expect(await slackRepliesAfter(before, 1)).toBe(1);
    });

    it('still answers two different messages, one at each replica', async () => {
      const before = slackApi.callsTo('chat.postMessage').length;
      await Promise.all(replicas.map((r) => r.slack.event(eventEnvelope(mention(nextTs())))));
      expect(await slackRepliesAfter(before, 2)).toBe(2);
    });

    it('continues a thread on the other replica: an un-mentioned reply there is answered in the thread', async () => {
      const before = slackApi.callsTo('chat.postMessage').length;
      const root = nextTs();
      await replicas[0]!.slack.event(eventEnvelope(mention(root)));
      await slackApi.waitFor(() => slackApi.callsTo('chat.postMessage')[before], 'the first answer', 15_000);
      // Only the thread's conversation in the shared store tells replica 1 that the bot is part of it.
      const reply = (text: string, threadTs: string) =>
        eventEnvelope({ type: 'message', channel_type: 'channel', user: 'U0ASKER', text, ts: nextTs(), channel: 'C0GENERAL', event_ts: root, thread_ts: threadTs });
      await replicas[1]!.slack.event(reply('路径呢', root));
      await replicas[1]!.slack.event(reply('路径呢', nextTs())); // a thread the bot is not part of
      expect(await slackRepliesAfter(before, 2)).toBe(2);
      const answers = slackApi.callsTo('chat.postMessage').slice(before);
      expect(answers.map((c) => c.args.thread_ts)).toEqual([root, root]);
      // 湖北 on replica 0, then 路径呢 on replica 1: Hubei's path.
      expect(answers[1]!.args.blocks.find((b: any) => b.type === 'header')?.text.text).toBe('湖北的发展路径');
    });
  });

  describe('Feishu (webhook, encrypted and signed)', () => {
    it('answers the same event delivered to both replicas once', async () => {
      const before = feishuApi.callsTo(/\/reply$/).length;
      const event = groupMessage();
      const acks = await Promise.all(replicas.map((r) => r.feishu(event)));
      expect(acks.map((a) => a.status)).toEqual([200, 200]);
      expect(await feishuRepliesAfter(before)).toBe(1);
    });

    it('answers one message re-pushed under a new event_id to the other replica once', async () => {
      const before = feishuApi.callsTo(/\/reply$/).length;
      const messageId = newMessageId();
      await Promise.all([
        replicas[0]!.feishu(groupMessage({ messageId, eventId: newEventId() })),
        replicas[1]!.feishu(groupMessage({ messageId, eventId: newEventId() })),
      ]);
      expect(await feishuRepliesAfter(before)).toBe(1);
    });

    it('still answers two different messages, one at each replica', async () => {
      const before = feishuApi.callsTo(/\/reply$/).length;
      await Promise.all(replicas.map((r) => r.feishu(groupMessage())));
      expect(await feishuRepliesAfter(before)).toBe(2);
    });

    it('continues a topic on the other replica, answering in the topic', async () => {
      const before = feishuApi.callsTo(/\/reply$/).length;
      const root = newMessageId();
      await replicas[0]!.feishu(groupMessage({ messageId: root }));
      await feishuRepliesAfter(before);
      await replicas[1]!.feishu(messageEvent({
        appId: APP_ID, token: TOKEN, chatType: 'topic_group', text: '@_user_1 路径呢', rootId: root, threadId: 'omt_replicas',
        mentions: [{ key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' }],
      }));
      expect(await feishuRepliesAfter(before)).toBe(2);
      const followUp = feishuApi.callsTo(/\/reply$/).at(-1)!;
      expect(followUp.body.reply_in_thread).toBe(true);
      expect(cardText(JSON.parse(followUp.body.content))).toContain('湖北的发展路径');
      // The conversation both replicas answered in is one entry in the shared store.
      expect(await replicas[1]!.bot.store.get(`conv:feishu:oc_groupchat00000000000000000000001:${root}`)).toBeDefined();
    });

    it('a map one replica uploaded goes in the other\'s first card: one API call, the key found in Redis', async () => {
      const first = groupMessage({}, '西藏'); // a map no other test here asks for
      await replicas[0]!.feishu(first);
      await replicas[0]!.idle();
      const firstCard = feishuApi.delivered.find((d) => d.target === first.event.message.message_id)!;
      const patched = feishuApi.patched.find((p) => p.messageId === firstCard.messageId);
      const key = patched && imgKey(patched.card);
      expect(key).toMatch(/^img_v3_fake_/);
      const before = feishuApi.calls.length;
      const second = groupMessage({}, '西藏');
      await replicas[1]!.feishu(second);
      await replicas[1]!.idle();
      const id = second.event.message.message_id;
      expect(feishuApi.calls.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual([`POST /open-apis/im/v1/messages/${id}/reply`]);
      expect(imgKey(feishuApi.delivered.find((d) => d.target === id)!.card)).toBe(key);
    });
  });
});

describe('replicas whose Redis goes away mid-run', () => {
  it('keep answering, warn once each, and answer a shared delivery once again when Redis is back', async () => {
    await redis.stop();
    const slackBefore = slackApi.callsTo('chat.postMessage').length;
    const feishuBefore = feishuApi.callsTo(/\/reply$/).length;
    for (const r of replicas) {
      for (let i = 0; i < 3; i++) await r.slack.event(eventEnvelope(mention(nextTs())));
      for (let i = 0; i < 3; i++) await r.feishu(groupMessage());
    }
    expect(await slackRepliesAfter(slackBefore, 6)).toBe(6);
    expect(await feishuRepliesAfter(feishuBefore)).toBe(6);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.text))
      .toEqual([expect.stringMatching(/^redis: unreachable/), expect.stringMatching(/^redis: unreachable/)]);

    await redis.resume();
    await waitUntil(() => replicas.every((r) => r.bot.store.ready?.()), 'both replicas to reconnect');
    const again = feishuApi.callsTo(/\/reply$/).length;
    const event = groupMessage();
    await Promise.all(replicas.map((r) => r.feishu(event)));
    expect(await feishuRepliesAfter(again)).toBe(1);
  }, 30_000);
});

describe('a replica whose Redis is down', () => {
  it('starts, answers, warns once, and deduplicates again through Redis once it is back', async () => {
    const port = await freePort();
    const replica = await startReplica(`redis://127.0.0.1:${port}`);
    let late: RedisServer | undefined;
    try {
      const before = slackApi.callsTo('chat.postMessage').length;
      for (let i = 0; i < 3; i++) await replica.slack.event(eventEnvelope(mention(nextTs())));
      expect(await slackRepliesAfter(before, 3)).toBe(3);
      // A question and its follow-up in a DM: both answered, on their own at worst, never an error.
      const dm = (text: string) => eventEnvelope({ type: 'message', channel_type: 'im', channel: 'D0DOWN', user: 'U0ASKER', text, ts: nextTs(), event_ts: '1.1' });
      await replica.slack.event(dm('湖北'));
      await replica.slack.event(dm('路径呢'));
      expect(await slackRepliesAfter(before + 3, 2)).toBe(2);
      expect(logs.filter((l) => l.level === 'error')).toEqual([]);
      const warnings = logs.filter((l) => l.level === 'warn').map((l) => l.text);
      expect(warnings).toEqual([expect.stringMatching(/^redis: unreachable/)]);

      late = await RedisServer.start(port);
      await waitUntil(() => replica.bot.store.ready?.() === true, 'the replica to connect');
      // Now it shares Redis with a second replica on the same server.
      const other = await startReplica(late.url);
      try {
        const again = slackApi.callsTo('chat.postMessage').length;
        const envelope = eventEnvelope(mention(nextTs()));
        await Promise.all([replica.slack.event(envelope), other.slack.event(envelope)]);
        expect(await slackRepliesAfter(again, 1)).toBe(1);
      } finally {
        await other.bot.stop();
      }
    } finally {
      await replica.bot.stop();
      await late?.close();
    }
  }, 30_000);
});

describe('replicas around a Redis restart', () => {
  const answers = (ts: string) => slackApi.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts).length;

  /**
   * Every 50 ms one new @mention reaches both replicas at once (as a retry landing on the other
   * replica would), before, during and after a Redis outage. While Redis is down each replica
   * answers on its own (twice in all: accepted, a lost reply is not); once Redis is back, the double
   * answers must stop as soon as the replicas have reconnected.
   */
  it('answer twice only until they have reconnected, which takes about one reconnect once Redis is back', async () => {
    const sent: { ts: string; at: number }[] = [];
    let sending = true;
    const sender = (async () => {
      while (sending) {
        const ts = nextTs();
        // The help card: no picture to draw, so the replicas' own work stays small beside the timing.
        const envelope = eventEnvelope(mention(ts, 'help'));
        sent.push({ ts, at: Date.now() });
        void Promise.all(replicas.map((r) => r.slack.event(envelope)));
        await sleep(50);
      }
    })();
    // When each replica's store reports Redis ready again (polled), after the restart.
    const readyAt: (number | undefined)[] = [undefined, undefined];
    let back = Infinity;
    const poll = setInterval(() => replicas.forEach((r, i) => {
      if (Date.now() >= back && readyAt[i] === undefined && r.bot.store.ready?.()) readyAt[i] = Date.now();
    }), 5);
    try {
      await sleep(300);
      await redis.stop();
      await sleep(3000);
      await redis.resume();
      back = Date.now();
      await waitUntil(() => readyAt.every((t) => t !== undefined), 'both replicas to reconnect');
      await sleep(1000);
    } finally {
      sending = false;
      clearInterval(poll);
      await sender;
    }
    await slackApi.waitFor(() => sent.every((s) => answers(s.ts) > 0), 'an answer to every event', 15_000).catch(() => undefined);
    await sleep(500); // room for a second answer to show up
    const counts = sent.map((s) => ({ ...s, answers: answers(s.ts) }));
    // Never a lost reply.
    expect(counts.filter((c) => c.answers === 0)).toEqual([]);
    const reconnected = Math.max(...(readyAt as number[]));
    const twiceAfterReturn = counts.filter((c) => c.at >= back && c.answers > 1);
    // Once both replicas are back on Redis, every event is answered once.
    expect(counts.filter((c) => c.at > reconnected + 50 && c.answers !== 1)).toEqual([]);
    const window = twiceAfterReturn.length ? Math.max(...twiceAfterReturn.map((c) => c.at)) - back + 50 : 0;
    console.log(`Redis back → both replicas reconnected in ${reconnected - back} ms (${readyAt.map((t) => t! - back).join(', ')} ms); `
      + `events answered twice after Redis was back: ${twiceAfterReturn.length} of ${counts.filter((c) => c.at >= back && c.at <= reconnected).length} sent until then; window ≈ ${window} ms`);
  }, 30_000);

  it('a retry, once Redis is back, of an event one replica answered during the outage is not answered again by the other', async () => {
    await redis.stop();
    await waitUntil(() => replicas.every((r) => !r.bot.store.ready?.()), 'both replicas to notice');
    const ts = nextTs();
    const envelope = eventEnvelope(mention(ts));
    await replicas[0]!.slack.event(envelope);
    await slackApi.waitFor(() => answers(ts) > 0, 'the answer from memory', 15_000);

    await redis.resume();
    await waitUntil(() => replicas.every((r) => r.bot.store.ready?.()), 'both replicas to reconnect');
    // The restarted Redis is empty: the claim reaches it only by the first replica's write-back,
    // which the retry (seconds later in real life) is given a moment to follow.
    const peek = new Redis(redis.url, { keyPrefix: 'replicas-test:', lazyConnect: true });
    try {
      await peek.connect();
      for (let i = 0; i < 100 && (await peek.exists(`slack:msg:C0GENERAL:${ts}`)) === 0; i++) await sleep(20);
    } finally {
      peek.disconnect();
    }
    await replicas[1]!.slack.event(envelope, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    await sleep(500); // room for a second answer to show up
    expect(answers(ts)).toBe(1);
  }, 30_000);
});
