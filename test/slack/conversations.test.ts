/**
 * Slack conversations end to end (HTTP mode, signed requests, real Bolt, the fake Web API): where a
 * conversation is (a thread, a DM, someone's /iiot, the message a button is on), that the core is
 * handed the context its conversation kept, and that the bot stays out of threads it is not part of.
 * The core here is the real one, recorded: it is asserted that each question reaches it with the
 * context of its conversation's last answer (what it makes of that is the core's own suite).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { converse, overview } from '../../src/core/handle.js';
import { MemoryStore, type Store } from '../../src/infra/store.js';
import type { PlatformAdapter } from '../../src/platforms/adapter.js';
import { createSlackAdapter } from '../../src/platforms/slack/adapter.js';
import { conversationOfPost, screenMessageEvent } from '../../src/platforms/slack/inbound.js';
import { SHARE_ACTION_ID } from '../../src/render/slack.js';
import { BOT_USER_ID, FakeSlack } from '../fakes/slack-api.js';
import { blockActions, eventEnvelope, slashCommand, SlackSender } from '../fakes/signing.js';
import { jsonLogger } from '../support/logs.js';
import { recordingCore } from '../support/recording-core.js';
import { forwardingStore, serve, type Served } from '../support/serve.js';

const SECRET = 'conversation-signing-secret-0123';
const WINDOW_MS = 60_000;

let fake: FakeSlack;
let served: Served;
let adapter: PlatformAdapter;
let slack: SlackSender;
let now = Date.now();
/** The store's clock, moved by the tests to expire a window; replaced by a failing store in one test. */
let store: Store;
let log: ReturnType<typeof jsonLogger>;
const core = recordingCore();
const { asked, keptBy } = core;
/**
 * The context kept for a question asked on its own. (Repeated /iiot questions come from the ack
 * memo without reaching the core, so the tests use this rather than what was recorded for those.)
 */
const standalone = (text: string) => converse({ text, platform: 'slack' }).context;

beforeAll(async () => {
  fake = await FakeSlack.start();
  log = jsonLogger('debug');
  adapter = createSlackAdapter({ mode: 'http', botToken: 'xoxb-conversations', signingSecret: SECRET, apiUrl: fake.apiUrl },
    { converse: core.converse, overview, store: forwardingStore(() => store), logger: log.logger, conversationWindowMs: WINDOW_MS });
  served = await serve(adapter, '/slack/events');
  slack = new SlackSender(served.url, SECRET);
});

afterAll(async () => {
  await adapter?.stop();
  await served?.close();
  await fake?.close();
});

beforeEach(() => {
  store = new MemoryStore(100_000, () => now);
  asked.length = 0;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let seq = 0;
const nextTs = () => `1700200${String(++seq).padStart(3, '0')}.000100`;
const posts = () => fake.callsTo('chat.postMessage');
const buttons = (blocks: any[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);

const mention = (text: string, ts: string, threadTs?: string, channel = 'C0CONV') =>
  slack.event(eventEnvelope({ type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> ${text}`, ts, channel, event_ts: ts, ...(threadTs ? { thread_ts: threadTs } : {}) }));
/** A channel message as message.channels delivers it (no mention; in a thread when `threadTs`). */
const channelMessage = (text: string, ts: string, threadTs?: string, channel = 'C0CONV') =>
  slack.event(eventEnvelope({ type: 'message', channel_type: 'channel', user: 'U0ASKER', text, ts, channel, event_ts: ts, ...(threadTs ? { thread_ts: threadTs, parent_user_id: 'U0ASKER' } : {}) }));
const dm = (text: string, ts: string, threadTs?: string) =>
  slack.event(eventEnvelope({ type: 'message', channel_type: 'im', channel: 'D0CONV', user: 'U0ASKER', text, ts, event_ts: ts, ...(threadTs ? { thread_ts: threadTs } : {}) }));
const command = (text: string, user = 'U0ASKER', channel = 'C0CONV') =>
  slack.command(slashCommand(text, fake.responseUrl(`cmd-${++seq}`), { user_id: user, channel_id: channel }));

/** Waits for reply number `n` (counting from `before`), then a moment for a wrong extra one to show. */
async function reply(before: number, n = 1) {
  const call = await fake.waitForCall('chat.postMessage', before + n);
  return call;
}

describe('a Slack thread', () => {
  it('continues after a mention: an un-mentioned reply in the thread is answered there, with the thread\'s context', async () => {
    const root = nextTs();
    const before = posts().length;
    await mention('湖北', root);
    expect((await reply(before)).args).toMatchObject({ channel: 'C0CONV', thread_ts: root });
    await channelMessage('路径呢', nextTs(), root);
    const second = await reply(before, 2);
    expect(second.args).toMatchObject({ channel: 'C0CONV', thread_ts: root });
    expect(asked.map((a) => [a.text, a.context])).toEqual([[`<@${BOT_USER_ID}> 湖北`, undefined], ['路径呢', keptBy(0)]]);
    expect(keptBy(0)?.regionIds).toEqual(['hubei']);
    // A mention in the same thread continues it too, with the latest context.
    await mention('数据呢', nextTs(), root);
    expect((await reply(before, 3)).args.thread_ts).toBe(root);
    expect(asked[2]!.context).toEqual(keptBy(1));
  });

  it('answers the follow-up about what the thread is about: 湖北, then 路径呢 → Hubei\'s path, saying what it followed up on', async () => {
    const root = nextTs();
    const before = posts().length;
    await mention('湖北', root);
    await reply(before);
    await channelMessage('路径呢', nextTs(), root);
    const answer = await reply(before, 2);
    const header = answer.args.blocks.find((b: any) => b.type === 'header')?.text.text;
    expect(header).toBe('湖北的发展路径');
    expect(JSON.stringify(answer.args.blocks)).toContain('接上文：湖北');
  });

  it('leaves people talking to each other in its thread alone: an un-mentioned reply it cannot read as a question', async () => {
    const root = nextTs();
    const before = posts().length;
    await mention('湖北', root);
    await reply(before);
    await channelMessage('lol zzsecretchatzz', nextTs(), root);
    await channelMessage('好的谢谢', nextTs(), root); // thanks: no question, so no help card either
    await channelMessage('数据呢', nextTs(), root); // a sentinel that is answered
    await reply(before, 2);
    await sleep(150);
    expect(posts().length).toBe(before + 2);
    expect(log.raw()).not.toContain('zzsecretchatzz');
    expect(log.lines().some((l) => l.reason === 'thread reply not understood without a mention')).toBe(true);
  });

  it('answers a mention in a thread once, though it also arrives as a channel message', async () => {
    const root = nextTs();
    const before = posts().length;
    await mention('湖北', root);
    await reply(before);
    const ts = nextTs();
    await Promise.all([channelMessage(`<@${BOT_USER_ID}> 路径呢`, ts, root), mention('路径呢', ts, root)]);
    await reply(before, 2);
    await sleep(200);
    expect(posts().length).toBe(before + 2);
  });

  it('stays out of threads it is not part of and of top-level channel messages, keeping and logging nothing of their text', async () => {
    const before = posts().length;
    const secret = 'zzsecretplanzz';
    const strangersThread = nextTs();
    await channelMessage(`${secret} 湖北`, nextTs(), strangersThread);
    await channelMessage(`${secret} 湖北`, nextTs());
    await channelMessage(`${secret} 湖北`, nextTs(), undefined, 'G0PRIVATE');
    // A sentinel that is answered: the events before it were processed.
    await dm('湖北', nextTs());
    await reply(before);
    await sleep(150);
    expect(posts().length).toBe(before + 1);
    expect(asked.map((a) => a.text)).toEqual(['湖北']);
    expect(log.raw()).not.toContain(secret);
    const ignored = log.lines().filter((l) => l.msg === 'event' && l.outcome === 'ignored' && l.kind === 'message').map((l) => l.reason);
    expect(ignored).toEqual(expect.arrayContaining(['thread reply where the bot has not answered', 'channel message outside a thread']));
    // Nothing was kept for the thread it stayed out of.
    expect(await store.get(`conv:slack:C0CONV:${strangersThread}`)).toBeUndefined();
  });
});

describe('a DM', () => {
  it('continues its last context within the window, and starts afresh after it', async () => {
    const before = posts().length;
    await dm('湖北', nextTs());
    await reply(before);
    await dm('路径呢', nextTs());
    expect((await reply(before, 2)).args.thread_ts).toBeUndefined();
    expect(asked[1]!.context).toEqual(keptBy(0));
    expect(JSON.stringify(posts().at(-1)!.args.blocks)).toContain('湖北的发展路径');
    now += WINDOW_MS + 1;
    await dm('路径呢', nextTs());
    await reply(before, 3);
    expect(asked[2]!.context).toBeUndefined();
  });

  it('keeps a DM thread\'s context to that thread, apart from the top-level one', async () => {
    const before = posts().length;
    await dm('湖北', nextTs());
    const thread = nextTs();
    await dm('compare sichuan and chongqing', nextTs(), thread);
    await dm('add shaanxi', nextTs(), thread);
    expect((await reply(before, 3)).args.thread_ts).toBe(thread);
    await dm('路径呢', nextTs());
    await reply(before, 4);
    expect(asked.map((a) => a.context)).toEqual([undefined, undefined, keptBy(1), keptBy(0)]);
  });
});

describe('/iiot', () => {
  it('continues the same person\'s last /iiot in the same channel, and no one else\'s', async () => {
    await command('湖南');
    await command('路径呢');
    await command('数据呢', 'U0SOMEONEELSE');
    await command('path?', 'U0ASKER', 'C0ELSEWHERE');
    expect(asked.map((a) => [a.text, a.context])).toEqual([['湖南', undefined], ['路径呢', keptBy(0)], ['数据呢', undefined], ['path?', undefined]]);
    expect(keptBy(0)?.regionIds).toEqual(['hunan']);
  });

  it('never serves a follow-up the answer memoised for the same words asked alone', async () => {
    await command('peers?', 'U0FIRST'); // on its own: worked out and memoised
    await command('peers?', 'U0SECOND'); // on its own again: served from the memo
    expect(asked).toHaveLength(1);
    await command('广东', 'U0THIRD');
    await command('peers?', 'U0THIRD'); // a follow-up: worked out with its context
    expect(asked.map((a) => [a.text, a.context])).toEqual([['peers?', undefined], ['广东', undefined], ['peers?', keptBy(1)]]);
  });
});

describe('a button click', () => {
  it('continues the conversation of the message it is on', async () => {
    const root = nextTs();
    const before = posts().length;
    await mention('湖北', root);
    const posted = await reply(before);
    const action = buttons(posted.args.blocks)[0];
    const u = fake.callsTo('chat.update').length;
    await slack.interaction(blockActions({ actionId: action.action_id, value: action.value, responseUrl: fake.responseUrl('conv-click'),
      message: { channel: 'C0CONV', ts: posted.result.ts, threadTs: root } }));
    await fake.waitForCall('chat.update', u + 1);
    expect(asked[1]).toMatchObject({ text: action.value, context: keptBy(0) });
    // …and the thread goes on from the clicked answer.
    await channelMessage('路径呢', nextTs(), root);
    await reply(before, 2);
    expect(asked[2]!.context).toEqual(keptBy(1));
  });

  it('on a private /iiot answer continues that person\'s /iiot', async () => {
    const ack = (await command('湖北')).json();
    const action = buttons(ack.blocks).find((b: any) => b.action_id !== SHARE_ACTION_ID);
    await slack.interaction(blockActions({ actionId: action.action_id, value: action.value, responseUrl: fake.responseUrl('conv-eph'),
      message: { channel: 'C0CONV', ts: nextTs(), ephemeral: true } }));
    await fake.waitForResponse('conv-eph');
    expect(asked.at(-1)).toMatchObject({ text: action.value, context: standalone('湖北') });
  });
});

describe('a store that fails or hangs', () => {
  it('costs only the context: questions are answered on their own, with one warning and no error', async () => {
    const before = posts().length;
    const from = log.lines().length;
    store = { claim: async () => true, get: () => new Promise(() => {}), set: async () => { throw new Error('store down'); } };
    await dm('湖北', nextTs());
    await dm('路径呢', nextTs());
    await reply(before, 2);
    expect(asked.map((a) => a.context)).toEqual([undefined, undefined]);
    const later = log.lines().slice(from);
    expect(later.filter((l) => l.level === 'error')).toEqual([]);
    expect(later.filter((l) => l.level === 'warn' && String(l.msg).includes('conversation'))).toHaveLength(1);
  });
});

describe('where a Slack conversation is (inbound.ts)', () => {
  const self = { botId: 'B0BOT', botUserId: BOT_USER_ID };
  const event = (over: Record<string, unknown>) => ({ type: 'message', user: 'U1', text: '路径呢', channel: 'C1', ts: '2.2', ...over });

  it('takes an un-mentioned reply in a channel or private-channel thread as a follow-up, nothing else', () => {
    for (const channel_type of ['channel', 'group']) {
      expect(screenMessageEvent(event({ channel_type, thread_ts: '1.1' }), self))
        .toMatchObject({ kind: 'answer', threadTs: '1.1', conversation: { key: 'C1:1.1', span: 'thread' }, followUp: true });
    }
    expect(screenMessageEvent(event({ channel_type: 'channel', thread_ts: '2.2' }), self)).toMatchObject({ kind: 'ignore', reason: 'channel message outside a thread' });
    expect(screenMessageEvent(event({ channel_type: 'mpim', thread_ts: '1.1' }), self).kind).toBe('ignore');
    expect(screenMessageEvent(event({ channel_type: 'channel', thread_ts: '1.1', subtype: 'file_share', text: '' }), self))
      .toMatchObject({ kind: 'ignore', reason: 'thread reply without words' });
    expect(screenMessageEvent(event({ channel_type: 'channel', thread_ts: '1.1', text: `<@${BOT_USER_ID}> 路径呢` }), self))
      .toMatchObject({ kind: 'ignore', reason: 'mention: answered as app_mention' });
  });

  it('puts a top-level DM in the DM, a DM thread in its thread, a mention in its thread', () => {
    expect(screenMessageEvent(event({ channel: 'D1', channel_type: 'im' }), self)).toMatchObject({ conversation: { key: 'D1', span: 'dm' } });
    expect(screenMessageEvent(event({ channel: 'D1', channel_type: 'im', thread_ts: '1.1' }), self)).toMatchObject({ conversation: { key: 'D1:1.1', span: 'thread' } });
    expect(screenMessageEvent(event({ type: 'app_mention' }), self)).toMatchObject({ threadTs: '2.2', conversation: { key: 'C1:2.2', span: 'thread' } });
  });

  it('finds the conversation of a card for a click: its thread, the DM, or the thread a shared card starts', () => {
    expect(conversationOfPost('C1', '2.2', '1.1')).toEqual({ key: 'C1:1.1', span: 'thread' });
    expect(conversationOfPost('D1', '2.2', undefined)).toEqual({ key: 'D1', span: 'dm' });
    expect(conversationOfPost('C1', '2.2', undefined)).toEqual({ key: 'C1:2.2', span: 'thread' });
  });
});
