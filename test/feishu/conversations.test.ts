/**
 * Feishu conversations end to end (webhook, encrypted and signed, the real node-sdk, the fake Open
 * API): a topic or reply chain in a group, the person in a one-to-one chat (messages, the bot menu),
 * and the card a button is on. The core is the real one, recorded: each question must reach it with
 * the context its conversation kept from the last answer.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { overview } from '../../src/core/handle.js';
import { MemoryStore } from '../../src/infra/store.js';
import { createFeishuAdapter, type FeishuAdapter } from '../../src/platforms/feishu/adapter.js';
import { cardButtons, cardText, FakeFeishu, FAKE_BOT_OPEN_ID } from '../fakes/feishu-api.js';
import { cardActionEvent, deliver, menuEvent, messageEvent, newMessageId, type MessageSpec } from '../fakes/feishu-crypto.js';
import { capturingLogger, type LogLine } from '../support/logs.js';
import { conversationOf } from '../../src/platforms/feishu/inbound.js';
import { recordingCore } from '../support/recording-core.js';
import { forwardingStore, serve, type Served } from '../support/serve.js';

const APP_ID = 'cli_a1b2c3d4e5f60015';
const ENCRYPT_KEY = 'conversation-test-key';
const TOKEN = 'conversation-test-token';
const WINDOW_MS = 60_000;
const ASKER = 'ou_convasker00000000000000000000001';
const TOPIC_GROUP = 'oc_topicgroup0000000000000000000001';

let fake: FakeFeishu;
let served: Served;
let adapter: FeishuAdapter;
let url: string;
let now = Date.now();
let store: MemoryStore;
const logs: LogLine[] = [];
const core = recordingCore();
const { asked, keptBy } = core;
// The adapter keeps answers to repeated questions (with the same context) without asking the core
// again: each test asks questions of its own, so that every one reaches the recording core.

beforeAll(async () => {
  fake = await FakeFeishu.start();
  adapter = createFeishuAdapter(
    { mode: 'webhook', appId: APP_ID, appSecret: 'secret-123', encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, domain: fake.origin },
    { converse: core.converse, overview, store: forwardingStore(() => store), logger: capturingLogger(logs), conversationWindowMs: WINDOW_MS },
    { outbox: { retryDelayMs: 10 } },
  );
  served = await serve(adapter, '/feishu/events');
  url = served.url;
});

afterAll(async () => {
  await adapter?.stop();
  await served?.close();
  await fake?.close();
});

beforeEach(() => {
  fake.reset();
  store = new MemoryStore(100_000, () => now);
  asked.length = 0;
  logs.length = 0;
});

const post = async (ev: unknown) => {
  const res = await deliver(url, ev, { encryptKey: ENCRYPT_KEY });
  await adapter.idle();
  return res;
};
const atBot = [{ key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' }];
const group = (text: string, spec: Partial<MessageSpec> = {}) =>
  messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'group', text: `@_user_1 ${text}`, mentions: atBot, senderOpenId: ASKER, ...spec });
const p2p = (text: string) => messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text, senderOpenId: ASKER });
const replies = () => fake.callsTo(/\/reply$/);

describe('a Feishu group', () => {
  it('answers a topic reply in the topic (reply_in_thread), with the topic\'s context', async () => {
    const first = newMessageId();
    await post(group('湖北', { chatType: 'topic_group', chatId: TOPIC_GROUP, messageId: first }));
    // Every message of a topic after the first names it as root_id; its thread_id is the topic's.
    await post(group('路径呢', { chatType: 'topic_group', chatId: TOPIC_GROUP, rootId: first, threadId: 'omt_topic1' }));
    const [a, b] = replies();
    expect(a!.path).toBe(`/open-apis/im/v1/messages/${first}/reply`);
    expect(a!.body.reply_in_thread).toBe(true);
    expect(b!.body.reply_in_thread).toBe(true);
    expect(cardText(fake.delivered[1]!.card)).toContain('湖北的发展路径');
    expect(asked.map((q) => [q.text, q.context])).toEqual([['@_user_1 湖北', undefined], ['@_user_1 路径呢', keptBy(0)]]);
    expect(keptBy(0)?.regionIds).toEqual(['hubei']);
  });

  it('continues a reply chain started by a mention, and keeps other chains and the top level apart', async () => {
    const root = newMessageId();
    await post(group('湖南', { messageId: root }));
    await post(group('广东')); // another top-level question: a chain of its own
    await post(group('路径呢', { rootId: root })); // a quoted reply in the first chain
    expect(asked.map((q) => q.context)).toEqual([undefined, undefined, keptBy(0)]);
    // A quoted reply is no thread: answered as before, not as a topic.
    expect(replies().map((r) => r.body.reply_in_thread)).toEqual([undefined, undefined, undefined]);
  });
});

describe('a one-to-one chat', () => {
  it('continues the last context within the window, and starts afresh after it', async () => {
    await post(p2p('江苏'));
    await post(p2p('路径呢'));
    now += WINDOW_MS + 1;
    await post(p2p('路径呢'));
    expect(asked.map((q) => q.context)).toEqual([undefined, keptBy(0), undefined]);
    expect(replies().every((r) => r.body.reply_in_thread === undefined)).toBe(true);
    // The follow-up within the window is Jiangsu's path; after it, the overview of all three paths.
    const [, followUp, afresh] = fake.delivered.map((d) => cardText(d.card));
    expect(followUp).toContain('江苏的发展路径');
    expect(followUp).toContain('接上文：江苏');
    expect(afresh).not.toContain('接上文');
  });

  it('is continued by a bot-menu click, which names the person but not the chat', async () => {
    await post(p2p('云南'));
    await post(menuEvent({ appId: APP_ID, token: TOKEN, eventKey: 'paths', openId: ASKER }));
    await post(p2p('英文呢'));
    // The menu's command stands alone (the core needs no context for it: answer-memo.ts contextFor);
    // what it answered is the person's conversation now, and the next follow-up goes on from it.
    expect(asked.map((q) => [q.text, q.context])).toEqual([['云南', undefined], ['path', undefined], ['英文呢', keptBy(1)]]);
    expect(keptBy(1)).not.toEqual(keptBy(0));
  });
});

describe('a card button', () => {
  it('continues the conversation of the card it is on, and the conversation goes on from the click', async () => {
    const root = newMessageId();
    await post(group('贵州', { messageId: root }));
    const [sent] = fake.delivered;
    const [button] = cardButtons(sent!.card);
    const value = { cmd: button!.cmd, conv: `oc_groupchat00000000000000000000001:${root}` };
    // The button carries its conversation back.
    expect(JSON.stringify(sent!.card)).toContain(JSON.stringify(value.conv));
    const res = await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value, openId: ASKER, messageId: sent!.messageId }));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body.card.data)).toContain(JSON.stringify(value.conv));
    await post(group('路径呢', { rootId: root }));
    // The button's command names its region (it stands alone); the follow-up after it goes on from the click.
    expect(asked.map((q) => q.context)).toEqual([undefined, undefined, keptBy(1)]);
  });

  it('continues nothing when its conversation is another chat\'s', async () => {
    await post(p2p('陕西'));
    await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { cmd: 'tier', conv: `p2p:${ASKER}` }, openId: 'ou_someoneelse00000000000000000001' }));
    await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { cmd: 'metrics', conv: 'oc_elsewhere:om_x' }, openId: ASKER, chatId: 'oc_groupchat00000000000000000000001' }));
    await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { cmd: 'about', conv: `p2p:${ASKER}` }, openId: ASKER }));
    expect(asked.map((q) => q.context)).toEqual([undefined, undefined, undefined, keptBy(0)]);
  });
});

describe('where a Feishu conversation is (inbound.ts)', () => {
  const ev = (message: Record<string, unknown>) => ({ sender: { sender_id: { open_id: 'ou_a' } }, message: { message_id: 'om_m', chat_id: 'oc_c', ...message } });

  it('is the person in a one-to-one chat, the chain or topic in a group; a thread or topic is answered in it', () => {
    expect(conversationOf(ev({ chat_type: 'p2p' }))).toEqual({ conversation: { key: 'p2p:ou_a', span: 'dm' }, inThread: false });
    expect(conversationOf(ev({ chat_type: 'p2p', thread_id: 'omt_1', root_id: 'om_r' }))).toEqual({ conversation: { key: 'p2p:ou_a', span: 'dm' }, inThread: true });
    expect(conversationOf(ev({ chat_type: 'group' }))).toEqual({ conversation: { key: 'oc_c:om_m', span: 'thread' }, inThread: false });
    expect(conversationOf(ev({ chat_type: 'group', root_id: 'om_r', parent_id: 'om_p' }))).toEqual({ conversation: { key: 'oc_c:om_r', span: 'thread' }, inThread: false });
    expect(conversationOf(ev({ chat_type: 'topic_group', root_id: 'om_r', thread_id: 'omt_1' }))).toEqual({ conversation: { key: 'oc_c:om_r', span: 'thread' }, inThread: true });
  });
});
