/**
 * Adapter behaviour that needs a handler of the test's own (card images) or odd inputs (post shapes,
 * a failing dedup store), still through real HTTP, the real SDK and the fake Feishu.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handle, overview } from '../../src/core/handle.js';
import type { Answer, Inbound } from '../../src/core/types.js';
import type { FeishuConfig } from '../../src/infra/config.js';
import { MemoryStore, type Store } from '../../src/infra/store.js';
import { startHttpServer } from '../../src/infra/http-server.js';
import { DEFAULT_OUTBOX_LIMITS } from '../../src/infra/outbox.js';
import { createFeishuAdapter, type FeishuAdapter } from '../../src/platforms/feishu/adapter.js';
import { classifyMessage, commandFromAction, defaultLangFor, postToText } from '../../src/platforms/feishu/inbound.js';
import { cardViolations, FakeFeishu, FAKE_BOT_OPEN_ID } from '../fakes/feishu-api.js';
import { cardActionEvent, deliver, messageEvent } from '../fakes/feishu-crypto.js';
import { capturingLogger, type LogLine } from '../support/logs.js';

const APP_ID = 'cli_a1b2c3d4e5f60003';
const ENCRYPT_KEY = 'adapter-test-key';
const TOKEN = 'adapter-test-token';

let fake: FakeFeishu;
let server: Server;
let adapter: FeishuAdapter;
let url: string;
let imageUrl: string;
let dedup: Store;
const logs: LogLine[] = [];
const seen: Inbound[] = [];

const logger = capturingLogger(logs);

/** The real core's answer, with an image attached when the question asks for one. */
function handleWithImage(inbound: Inbound): Answer {
  seen.push(inbound);
  const answer = handle(inbound);
  if (inbound.text.includes('chart')) return { ...answer, card: { ...answer.card, image: { url: imageUrl, alt: 'tier map' } } };
  if (inbound.text.includes('map')) return { ...answer, card: { ...answer.card, image: { url: `${imageUrl}?map`, alt: 'map' } } };
  if (inbound.text.includes('broken')) return { ...answer, card: { ...answer.card, image: { url: `${fake.origin}/static/missing.png`, alt: 'x' } } };
  return answer;
}

let config: FeishuConfig;

beforeAll(async () => {
  fake = await FakeFeishu.start();
  imageUrl = `${fake.origin}/static/chart.png`;
  config = { mode: 'webhook', appId: APP_ID, appSecret: 'secret-123', encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, domain: fake.origin };
  const flakyDedup: Store = { claim: (key, ttl) => dedup.claim(key, ttl), get: (key) => dedup.get(key), set: (key, value, ttl) => dedup.set(key, value, ttl) };
  adapter = createFeishuAdapter(config, { handle: handleWithImage, overview, store: flakyDedup, logger }, { outbox: { retryDelayMs: 10 } });
  server = await startHttpServer(adapter.routes, 0, '127.0.0.1');
  await adapter.start();
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feishu/events`;
});

afterAll(async () => {
  await adapter?.stop();
  await new Promise((r) => server?.close(r));
  await fake?.close();
});

beforeEach(() => {
  fake.reset();
  logs.length = 0;
  seen.length = 0;
  dedup = new MemoryStore();
});

const p2p = (text: string) => messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text, senderOpenId: 'ou_asker7' });
const post = (ev: unknown) => deliver(url, ev, { encryptKey: ENCRYPT_KEY });

describe('what the core receives', () => {
  it('gets the text with Feishu\'s placeholders, the platform and the asker', async () => {
    await post(messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'group', text: '@_user_1 湖北', mentions: [{ key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' }], senderOpenId: 'ou_asker9' }));
    await adapter.idle();
    expect(seen).toEqual([{ text: '@_user_1 湖北', platform: 'feishu', userId: 'ou_asker9' }]);
  });

  it('gets a button\'s command as typed text', async () => {
    await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { cmd: 'tier rising --lang zh' }, openId: 'ou_clicker3' }));
    expect(seen).toEqual([{ text: 'tier rising --lang zh', platform: 'feishu', userId: 'ou_clicker3' }]);
  });
});

describe('card images', () => {
  it('uploads the image once and shows it by image_key', async () => {
    await post(p2p('chart please'));
    await post(p2p('chart again'));
    await adapter.idle();
    const uploads = fake.callsTo(/\/im\/v1\/images$/);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.body).toMatchObject({ imageType: 'message', fields: expect.arrayContaining(['image_type', 'image']) });
    const keys = fake.delivered.map((d) => {
      expect(cardViolations(d.card)).toEqual([]);
      return d.card.body.elements.find((e: any) => e.tag === 'img')?.img_key;
    });
    expect(keys).toEqual([expect.stringMatching(/^img_v3_fake_/), keys[0]]);
  });

  it('answers a click in time with the cached image', async () => {
    const res = await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { cmd: 'chart' } }));
    expect(res.body.card.data.body.elements).toContainEqual(expect.objectContaining({ tag: 'img' }));
    expect(res.ms).toBeLessThan(3000);
  });

  it('shares an uploaded image key with another replica through the store', async () => {
    const replica = createFeishuAdapter(config, { handle: handleWithImage, overview, store: dedup, logger }, { outbox: { retryDelayMs: 10 } });
    const replicaServer = await startHttpServer(replica.routes, 0, '127.0.0.1');
    try {
      await replica.start();
      await post(p2p('map please'));
      await adapter.idle();
      await deliver(`http://127.0.0.1:${(replicaServer.address() as AddressInfo).port}/feishu/events`, p2p('map again'), { encryptKey: ENCRYPT_KEY });
      await replica.idle();
      expect(fake.callsTo(/\/im\/v1\/images$/)).toHaveLength(1);
      const keys = fake.delivered.map((d) => d.card.body.elements.find((e: any) => e.tag === 'img')?.img_key);
      expect(keys).toEqual([expect.stringMatching(/^img_v3_fake_/), keys[0]]);
    } finally {
      await replica.stop();
      await new Promise((r) => replicaServer.close(r));
    }
  });

  it('sends the card without the image when the image cannot be had', async () => {
    await post(p2p('broken image'));
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    expect(fake.delivered[0]!.card.body.elements.some((e: any) => e.tag === 'img')).toBe(false);
    expect(logs.some((l) => l.level === 'warn' && l.text.includes('image left out'))).toBe(true);
  });
});

describe('resilience', () => {
  it('still answers when the dedup store is down', async () => {
    const down = async () => { throw new Error('redis down'); };
    dedup = { claim: down, get: down, set: down };
    await post(p2p('湖北'));
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    expect(logs.some((l) => l.text.includes('dedup store failed'))).toBe(true);
  });

  it('gives up after a bounded number of attempts on a Feishu that keeps failing, logged once, without crashing', async () => {
    fake.fail(/\/reply$/, 500, 'boom', 10);
    await post(p2p('湖北'));
    await adapter.idle();
    expect(fake.callsTo(/\/reply$/)).toHaveLength(DEFAULT_OUTBOX_LIMITS.maxAttempts);
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(1);
    // Besides the cause, only the event's own line, which says it failed.
    expect(logs.filter((l) => l.level !== 'error')).toEqual([{ level: 'warn', text: expect.stringMatching(/"outcome":"failed".* event$/) }]);
  });
});

describe('event shapes', () => {
  const bot = { key: '@_user_1', id: { open_id: 'ou_bot' }, name: 'iiot' };
  const msg = (over: Record<string, unknown>) => ({ event_id: 'e', sender: { sender_type: 'user' }, message: { message_id: 'om_1', chat_type: 'group', message_type: 'text', content: '{"text":"@_user_1 湖北"}', mentions: [bot], ...over } });

  it('reads post content with or without a locale wrapper, mentions back as placeholders', () => {
    const body = { title: '提问', content: [[{ tag: 'at', user_id: 'ou_bot', user_name: 'iiot' }, { tag: 'text', text: '湖北' }], [{ tag: 'a', text: '链接', href: 'https://x' }, { tag: 'img', image_key: 'k' }]] };
    expect(postToText(JSON.stringify(body), [bot])).toBe('提问\n @_user_1 湖北\n链接');
    expect(postToText(JSON.stringify({ zh_cn: body }), [bot])).toBe('提问\n @_user_1 湖北\n链接');
    expect(postToText('not json')).toBe('');
  });

  it('classifies messages', () => {
    expect(classifyMessage(msg({}), 'ou_bot')).toEqual({ kind: 'text', text: '@_user_1 湖北' });
    expect(classifyMessage(msg({ mentions: [] }), 'ou_bot').kind).toBe('ignore');
    expect(classifyMessage(msg({}), undefined).kind).toBe('ignore');
    expect(classifyMessage({ ...msg({}), sender: { sender_type: 'app' } }, 'ou_bot').kind).toBe('ignore');
    expect(classifyMessage(msg({ chat_type: 'p2p', mentions: undefined, message_type: 'sticker', content: '{}' }), undefined)).toEqual({ kind: 'unsupported', messageType: 'sticker' });
  });

  it('takes only the commands this bot put on its buttons', () => {
    expect(commandFromAction({ action: { value: { cmd: 'tier' } } }, 500)).toBe('tier');
    expect(commandFromAction({ action: { value: '{"cmd":"tier"}' } }, 500)).toBe('tier');
    expect(commandFromAction({ action: { value: { cmd: 'x'.repeat(501) } } }, 500)).toBeUndefined();
    expect(commandFromAction({ action: { value: { other: 'tier' } } }, 500)).toBeUndefined();
  });

  it('defaults to English on Lark and Chinese on Feishu when there is no text to go by', () => {
    expect(defaultLangFor('https://open.larksuite.com')).toBe('en');
    expect(defaultLangFor('https://open.feishu.cn')).toBe('zh');
  });
});
