/**
 * The Feishu bot in webhook mode, end to end: the app's shared HTTP server on 127.0.0.1 with the
 * real node-sdk dispatcher behind it, events in Feishu's v2.0 format encrypted and signed as Feishu
 * does, and a fake Feishu Open API that records what users see.
 */
import type { AddressInfo } from 'node:net';
import { AESCipher } from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/app.js';
import type { Config } from '../../src/infra/config.js';
import { MemoryStore } from '../../src/infra/store.js';
import type { FeishuAdapter } from '../../src/platforms/feishu/adapter.js';
import { cardButtons, cardText, cardViolations, FakeFeishu, FAKE_BOT_OPEN_ID } from '../fakes/feishu-api.js';
import {
  cardActionEvent, challengeEvent, decrypt, deliver, encrypt, menuEvent, messageEvent, newEventId, newMessageId,
  type DeliveryOptions,
} from '../fakes/feishu-crypto.js';
import { capturingLogger, type LogLine } from '../support/logs.js';

// Unique per test file: node-sdk caches tokens per appId.
const APP_ID = 'cli_a1b2c3d4e5f60001';
const APP_SECRET = 'webhook-test-secret';
const ENCRYPT_KEY = 'test-encrypt-key-0123';
const TOKEN = 'test-verification-token';
const BOT = { key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' };
const OTHER = { key: '@_user_2', openId: 'ou_someoneelse00000000000000000001', name: 'Li Lei' };

let fake: FakeFeishu;
let bot: RunningBot;
let adapter: FeishuAdapter;
let url: string;
const logs: LogLine[] = [];
const captureLogger = () => capturingLogger(logs);

const signed: DeliveryOptions = { encryptKey: ENCRYPT_KEY };
const post = (envelope: unknown, opts: Partial<DeliveryOptions> = {}) => deliver(url, envelope, { ...signed, ...opts });
const groupMessage = (text: string, extra: Partial<Parameters<typeof messageEvent>[0]> = {}) =>
  messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'group', text, mentions: [BOT], ...extra });

beforeAll(async () => {
  fake = await FakeFeishu.start();
  fake.appSecret = APP_SECRET;
  const config: Config = {
    port: 0,
    logLevel: 'error',
    feishu: { mode: 'webhook', appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, domain: fake.origin },
  };
  bot = await startBot(config, { logger: captureLogger(), store: new MemoryStore(), host: '127.0.0.1' });
  adapter = bot.adapters[0] as FeishuAdapter;
  url = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}/feishu/events`;
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

beforeEach(() => {
  fake.reset();
  logs.length = 0;
});

describe('start-up', () => {
  it('reads the bot open_id from bot/v3/info with a tenant token', async () => {
    const fresh = await FakeFeishu.start();
    try {
      const other = await startBot({ port: 0, logLevel: 'error', feishu: { mode: 'webhook', appId: 'cli_a1b2c3d4e5f6000f', appSecret: 's3cret-123', encryptKey: 'k', verificationToken: 't', domain: fresh.origin } }, { logger: captureLogger(), host: '127.0.0.1' });
      await other.stop();
      expect(fresh.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /open-apis/auth/v3/tenant_access_token/internal', 'GET /open-apis/bot/v3/info']);
      expect(fresh.calls[1]!.token).toBe('t-cli_a1b2c3d4e5f6000f');
    } finally {
      await fresh.close();
    }
  });

  it('fails with one clear line when Feishu rejects the app secret', async () => {
    const fresh = await FakeFeishu.start();
    fresh.appSecret = 'the-right-one';
    try {
      await expect(startBot({ port: 0, logLevel: 'error', feishu: { mode: 'webhook', appId: 'cli_a1b2c3d4e5f6000e', appSecret: 'the-wrong-one', encryptKey: 'k', verificationToken: 't', domain: fresh.origin } }, { logger: captureLogger(), host: '127.0.0.1' }))
        .rejects.toThrow(/FEISHU_APP_ID, FEISHU_APP_SECRET/);
    } finally {
      await fresh.close();
    }
  });
});

describe('URL verification', () => {
  it('echoes the challenge, which Feishu sends encrypted and without signature headers', async () => {
    const res = await post(challengeEvent(TOKEN, 'ch-123'), { unsigned: true });
    expect(res).toMatchObject({ status: 200, body: { challenge: 'ch-123' } });
  });

  it('refuses a challenge carrying another verification token', async () => {
    const res = await post(challengeEvent('someone-elses-token'), { unsigned: true });
    expect(res.status).toBe(401);
    expect(res.body).not.toHaveProperty('challenge');
  });

  it('decrypts the way Feishu encrypts (node-sdk challenge vector, key "mazhe.nerd")', () => {
    const vector = 'tT1xP+ovuc0T3b/rnZX3ax76exqAn0ANQ6/U45GcciC0mgNBc8JtvqOJGNAPMKpgRs2dVU1NYk9VDeqS8T4SYtU0hzNU54aS84WnxvZ3VFfDcy/RyABlNqlUiGyLDzFI0yxdCMT4KR/YEQXlt6nZi50KwRlZ+A75r645KesZuLMljezYyY8VeeXEVjPw35+e';
    expect(JSON.parse(decrypt('mazhe.nerd', vector)).challenge).toBe('5634b122-c042-4634-bc7f-b07a3c3e77ad');
    expect(JSON.parse(new AESCipher('mazhe.nerd').decrypt(vector)).challenge).toBe('5634b122-c042-4634-bc7f-b07a3c3e77ad');
    expect(new AESCipher(ENCRYPT_KEY).decrypt(encrypt(ENCRYPT_KEY, '{"a":"湖北"}'))).toBe('{"a":"湖北"}');
  });
});

describe('group messages', () => {
  it('answers an @mention with a card replied to that message', async () => {
    const ev = groupMessage('@_user_1 湖北是哪个梯队');
    const res = await post(ev);
    expect(res).toMatchObject({ status: 200, body: {} });
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    const [reply] = fake.delivered;
    expect(reply).toMatchObject({ kind: 'reply', target: ev.event.message.message_id, msgType: 'interactive', uuid: `r-${ev.event.message.message_id}` });
    expect(cardViolations(reply!.card)).toEqual([]);
    expect(reply!.card.schema).toBe('2.0');
    expect(cardText(reply!.card)).not.toContain('@_user_1');
  });

  it('answers in Chinese with the region\'s tier (湖北 → 示范引领), header coloured for the tier', async () => {
    await post(groupMessage('@_user_1 湖北是哪个梯队'));
    await adapter.idle();
    const card = fake.delivered[0]!.card;
    expect(card.header.title.content).toContain('湖北');
    expect(card.header.template).toBe('red');
    expect(cardText(card)).toContain('示范引领');
  });

  it('reads "@iiot /iiot 湖北" with the same grammar', async () => {
    await post(groupMessage('@_user_1 /iiot 湖北'));
    await adapter.idle();
    expect(fake.delivered[0]!.card.header.title.content).toContain('湖北');
    expect(cardText(fake.delivered[0]!.card)).toContain('示范引领');
  });

  it('answers an English question in English', async () => {
    await post(groupMessage('@_user_1 what tier is Hubei in'));
    await adapter.idle();
    const text = cardText(fake.delivered[0]!.card);
    expect(text).toContain('Hubei');
    expect(text).toContain('Leading the Way');
    expect(text).not.toContain('示范引领');
  });

  it('ignores a group message that does not mention the bot', async () => {
    await post(groupMessage('湖北是哪个梯队', { mentions: [] }));
    await post(groupMessage('@_user_2 湖北是哪个梯队', { mentions: [OTHER] }));
    await adapter.idle();
    expect(fake.delivered).toEqual([]);
  });

  it('answers when the bot is one of several people mentioned', async () => {
    await post(groupMessage('@_user_2 @_user_1 湖北', { mentions: [OTHER, BOT] }));
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
  });

  it('reads a rich-text (post) message as text', async () => {
    const ev = messageEvent({
      appId: APP_ID, token: TOKEN, chatType: 'group', messageType: 'post', mentions: [BOT],
      content: { title: '', content: [[{ tag: 'at', user_id: BOT.openId, user_name: 'iiot' }, { tag: 'text', text: ' 湖北是哪个梯队' }]] },
    });
    await post(ev);
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    expect(fake.delivered[0]!.target).toBe(ev.event.message.message_id);
    expect(cardText(fake.delivered[0]!.card)).toContain('示范引领');
  });

  it('brings `<at id=all></at>` in a question back inert', async () => {
    await post(groupMessage('@_user_1 <at id=all></at> <at user_id="ou_x">x</at> **湖北** [点我](https://evil.example)'));
    await adapter.idle();
    const card = fake.delivered[0]!.card;
    const raw = JSON.stringify(card.body);
    expect(raw).not.toMatch(/<at /);
    expect(raw).not.toMatch(/\]\(https/);
    expect(cardViolations(card)).toEqual([]);
  });
});

describe('direct messages', () => {
  it('answers any text, with or without /iiot', async () => {
    const a = messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text: '湖北' });
    const b = messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text: '/iiot 湖北' });
    await post(a);
    await post(b);
    await adapter.idle();
    expect(fake.delivered.map((d) => d.target).sort()).toEqual([a.event.message.message_id, b.event.message.message_id].sort());
    for (const d of fake.delivered) expect(cardText(d.card)).toContain('示范引领');
  });

  it('answers images, stickers and files with the help card', async () => {
    for (const [messageType, content] of [['image', { image_key: 'img_v2_x' }], ['sticker', { file_key: 'file_x' }], ['file', { file_key: 'file_y', file_name: 'a.pdf' }]] as const) {
      await post(messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', messageType, content }));
    }
    await adapter.idle();
    expect(fake.delivered).toHaveLength(3);
    const help = fake.delivered.map((d) => d.card.header.title.content);
    expect(new Set(help).size).toBe(1);
    expect(cardText(fake.delivered[0]!.card)).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('card buttons', () => {
  it('runs the button\'s command through the core and answers with the new card', async () => {
    await post(groupMessage('@_user_1 湖北是哪个梯队'));
    await adapter.idle();
    const [first] = cardButtons(fake.delivered[0]!.card);
    expect(first?.cmd).toBeTruthy();
    const res = await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { cmd: first!.cmd }, messageId: fake.delivered[0]!.messageId }));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    expect(res.body.card.type).toBe('raw');
    const updated = res.body.card.data;
    expect(cardViolations(updated)).toEqual([]);
    // The click updates the card in place: no new message is sent.
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    expect(first!.cmd).toMatch(/^tier leading/);
    expect(updated.header.title.content).toContain('示范引领');
    expect(cardText(updated)).toContain('湖北');
  });

  it('keeps the language a button carries (tier rising --lang zh)', async () => {
    const res = await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { cmd: 'tier rising --lang zh' } }));
    expect(res.body.card.data.header.title.content).toContain('快速崛起');
    expect(res.body.card.data.header.template).toBe('orange');
  });

  it('answers a value it did not put there with the help card rather than an error', async () => {
    const res = await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { other: 1 } }));
    expect(res.status).toBe(200);
    expect(cardViolations(res.body.card.data)).toEqual([]);
  });
});

describe('bot menu', () => {
  it('sends the card for the clicked key to the person who clicked (receive_id_type=open_id)', async () => {
    const ev = menuEvent({ appId: APP_ID, token: TOKEN, eventKey: 'tiers', openId: 'ou_menu0000000000000000000000000007' });
    const res = await post(ev);
    expect(res.status).toBe(200);
    await adapter.idle();
    expect(fake.delivered).toEqual([expect.objectContaining({ kind: 'create', target: 'ou_menu0000000000000000000000000007', receiveIdType: 'open_id', uuid: `m-${ev.header.event_id}` })]);
    expect(fake.delivered[0]!.card.header.title.content).toBe('四大梯队');
  });

  it('maps metrics and help to their cards', async () => {
    await post(menuEvent({ appId: APP_ID, token: TOKEN, eventKey: 'metrics' }));
    await post(menuEvent({ appId: APP_ID, token: TOKEN, eventKey: 'help' }));
    await adapter.idle();
    const titles = fake.delivered.map((d) => d.card.header.title.content);
    expect(titles).toHaveLength(2);
    expect(titles[0]).not.toBe(titles[1]);
    expect(cardText(fake.delivered[0]!.card)).toMatch(/146\.6|700亿|21%/);
  });
});

describe('duplicates and retries', () => {
  it('answers an event delivered twice only once', async () => {
    const ev = groupMessage('@_user_1 湖北');
    await post(ev);
    await post(ev);
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    expect(fake.callsTo(/\/reply$/)).toHaveLength(1);
  });

  it('answers a message re-pushed under a new event_id only once', async () => {
    const messageId = newMessageId();
    await post(groupMessage('@_user_1 湖北', { messageId, eventId: newEventId() }));
    await post(groupMessage('@_user_1 湖北', { messageId, eventId: newEventId() }));
    await adapter.idle();
    expect(fake.callsTo(/\/reply$/)).toHaveLength(1);
  });

  it('answers a menu click delivered twice only once', async () => {
    const ev = menuEvent({ appId: APP_ID, token: TOKEN, eventKey: 'help' });
    await post(ev);
    await post(ev);
    await adapter.idle();
    expect(fake.callsTo(/\/messages$/)).toHaveLength(1);
  });

  it('acks at once even when Feishu\'s API is slow, so Feishu never re-pushes', async () => {
    fake.sendDelayMs = 4000;
    const res = await post(groupMessage('@_user_1 湖北'));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
  }, 10_000);

  it('retries a failed send with the same uuid, so the user sees one reply', async () => {
    fake.fail(/\/reply$/, 503, 'upstream unavailable');
    const ev = groupMessage('@_user_1 湖北');
    await post(ev);
    await adapter.idle();
    const calls = fake.callsTo(/\/reply$/);
    expect(calls.map((c) => c.status)).toEqual([503, 200]);
    expect(new Set(calls.map((c) => c.body.uuid))).toEqual(new Set([`r-${ev.event.message.message_id}`]));
    expect(fake.delivered).toHaveLength(1);
  });

  it('logs a send Feishu refuses, and keeps serving', async () => {
    fake.fail(/\/reply$/, 400, { code: 230002, msg: 'bot not in chat' });
    await post(groupMessage('@_user_1 湖北'));
    await adapter.idle();
    expect(logs.some((l) => l.level === 'error' && l.text.includes('230002'))).toBe(true);
    await post(groupMessage('@_user_1 湖北'));
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
  });
});

describe('rejected deliveries', () => {
  const ev = () => groupMessage('@_user_1 湖北');

  it('rejects a wrong verification token', async () => {
    const res = await post(messageEvent({ appId: APP_ID, token: 'forged-token', chatType: 'p2p', text: '湖北' }));
    expect(res.status).toBe(401);
    expect(logs.some((l) => l.level === 'warn' && /verification token/.test(l.text))).toBe(true);
  });

  it('rejects a bad signature', async () => {
    expect((await post(ev(), { signature: 'a'.repeat(64) })).status).toBe(401);
    expect((await post(ev(), { unsigned: true })).status).toBe(401);
  });

  it('rejects a stale or far-future timestamp, and logs how old it was', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await post(ev(), { timestamp: now - 10 * 60 })).status).toBe(401);
    expect((await post(ev(), { timestamp: now + 10 * 60 })).status).toBe(401);
    expect(logs.some((l) => /stale timestamp \(60\d s old/.test(l.text))).toBe(true);
  });

  it('rejects a body encrypted with another key, or not encrypted at all', async () => {
    const wrongKey = JSON.stringify({ encrypt: encrypt('another-key', JSON.stringify(ev())) });
    expect((await post(ev(), { rawBody: wrongKey })).status).toBe(400);
    expect((await post(ev(), { rawBody: JSON.stringify(ev()) })).status).toBe(400);
    expect((await post(ev(), { rawBody: 'not json' })).status).toBe(400);
  });

  it('never dispatches a rejected event', async () => {
    await post(ev(), { signature: 'b'.repeat(64) });
    await post(messageEvent({ appId: APP_ID, token: 'forged', chatType: 'p2p', text: '湖北' }));
    await adapter.idle();
    expect(fake.delivered).toEqual([]);
  });

  it('answers other methods and the health check without touching Feishu', async () => {
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url.replace('/feishu/events', '/healthz'))).status).toBe(200);
  });
});
