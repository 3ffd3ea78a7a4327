/**
 * Each user's answer language on Feishu, end to end: encrypted and signed webhook deliveries through
 * the real node-sdk dispatcher, two bot replicas sharing one Store, and the fake Feishu Open API
 * recording the cards people get. A menu click, a picture or a bare `/iiot` (a slash-command
 * invocation arrives as an ordinary message) is answered in the language the person writes in.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/app.js';
import { handle } from '../../src/core/handle.js';
import type { FeishuConfig } from '../../src/infra/config.js';
import { MemoryStore } from '../../src/infra/store.js';
import type { FeishuAdapter } from '../../src/platforms/feishu/adapter.js';
import { cardText, FakeFeishu } from '../fakes/feishu-api.js';
import { cardActionEvent, deliver, menuEvent, messageEvent, type MessageSpec } from '../fakes/feishu-crypto.js';
import { capturingLogger, type LogLine } from '../support/logs.js';

const APP_ID = 'cli_a1b2c3d4e5f60014';
const APP_SECRET = 'lang-memory-secret';
const ENCRYPT_KEY = 'lang-memory-encrypt-key';
const TOKEN = 'lang-memory-verification-token';
const ALICE = 'ou_alice00000000000000000000000001';
const BOB = 'ou_bob0000000000000000000000000001';

/** Menu `tiers` → the tier list: its title tells the language. */
const TIERS_ZH = '四大梯队';
const TIERS_EN = 'The four tiers';

let fake: FakeFeishu;
const store = new MemoryStore();
const logs: LogLine[] = [];
const replicas: { bot: RunningBot; adapter: FeishuAdapter; url: string }[] = [];

async function startReplica(config: FeishuConfig) {
  const bot = await startBot({ port: 0, logLevel: 'error', feishu: config }, { logger: capturingLogger(logs), store, host: '127.0.0.1' });
  return { bot, adapter: bot.adapters[0] as FeishuAdapter, url: `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}/feishu/events` };
}

beforeAll(async () => {
  fake = await FakeFeishu.start();
  const config: FeishuConfig = { mode: 'webhook', appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, domain: fake.origin };
  // Two replicas on one Store, as behind a load balancer: either may get the next event.
  replicas.push(await startReplica(config), await startReplica(config));
});

afterAll(async () => {
  for (const r of replicas) await r.bot.stop();
  await fake?.close();
});

beforeEach(() => {
  fake.reset();
  logs.length = 0;
});

/** Delivers through replica `n` and waits for its answer; returns the text of the card it sent. */
async function ask(n: number, envelope: unknown): Promise<string> {
  const before = fake.delivered.length;
  const res = await deliver(replicas[n]!.url, envelope, { encryptKey: ENCRYPT_KEY });
  expect(res.status).toBe(200);
  await replicas[n]!.adapter.idle();
  expect(fake.delivered).toHaveLength(before + 1);
  return cardText(fake.delivered.at(-1)!.card);
}

const dm = (openId: string, text: string, extra: Partial<MessageSpec> = {}) =>
  messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', senderOpenId: openId, text, ...extra });
const menu = (openId: string, eventKey = 'tiers') => menuEvent({ appId: APP_ID, token: TOKEN, eventKey, openId });
const title = (text: string) => text.split('\n')[0];
/** The help card's title in each language, as the core words it. */
const HELP = { zh: handle({ text: 'help', platform: 'feishu', lang: 'zh' }).card.title, en: handle({ text: 'help', platform: 'feishu', lang: 'en' }).card.title };

describe('a menu click', () => {
  it('is answered in English for someone who wrote in English, on either replica', async () => {
    expect(await ask(0, dm(ALICE, 'what tier is Hubei in'))).toContain('Leading the Way');
    expect(title(await ask(1, menu(ALICE)))).toBe(TIERS_EN);
    expect(title(await ask(0, menu(ALICE)))).toBe(TIERS_EN);
  });

  it('is answered in the platform\'s language (Chinese on Feishu) for someone the bot has not heard from', async () => {
    expect(title(await ask(0, menu(BOB)))).toBe(TIERS_ZH);
  });

  it('follows the last question that carries a language', async () => {
    await ask(0, dm(ALICE, 'what tier is Hubei in'));
    expect(await ask(1, dm(ALICE, '湖北'))).toContain('示范引领');
    expect(title(await ask(0, menu(ALICE)))).toBe(TIERS_ZH);
    // Digits and emoji say nothing about language: the memory stays as it was.
    await ask(0, dm(ALICE, '123 🙂'));
    expect(title(await ask(1, menu(ALICE)))).toBe(TIERS_ZH);
    await ask(0, dm(ALICE, 'tiers please'));
    expect(title(await ask(1, menu(ALICE)))).toBe(TIERS_EN);
  });
});

describe('what carries no words of the user', () => {
  it('a picture gets the help card in the remembered language', async () => {
    await ask(0, dm(ALICE, 'compare hebei with henan'));
    const picture = (openId: string) => dm(openId, '', { messageType: 'image', content: { image_key: 'img_v2_x' } });
    expect(title(await ask(1, picture(ALICE)))).toBe(HELP.en);
    expect(title(await ask(0, picture(BOB)))).toBe(HELP.zh);
  });

  it('a bare /iiot from the slash-command panel (an ordinary message) gets the help card in the remembered language', async () => {
    await ask(0, dm(ALICE, 'what tier is Hubei in'));
    expect(title(await ask(1, dm(ALICE, '/iiot')))).toBe(HELP.en);
    expect(title(await ask(0, dm(BOB, '/iiot')))).toBe(HELP.zh);
  });

  it('a card button with a value the bot did not put there gets help in the remembered language', async () => {
    await ask(0, dm(ALICE, 'what tier is Hubei in'));
    const res = await deliver(replicas[1]!.url, cardActionEvent({ appId: APP_ID, token: TOKEN, value: { foreign: true }, openId: ALICE }), { encryptKey: ENCRYPT_KEY });
    expect(title(cardText(res.body.card.data))).toBe(HELP.en);
  });
});

describe('a question\'s own language', () => {
  it('wins over the remembered one', async () => {
    await ask(0, dm(ALICE, 'what tier is Hubei in'));
    expect(await ask(1, dm(ALICE, '/iiot 湖北'))).toContain('示范引领');
    await ask(0, dm(BOB, '湖北'));
    expect(await ask(1, dm(BOB, '/iiot hubei'))).toContain('Leading the Way');
  });

  it('is read from a slash-command invocation with arguments, as from any message', async () => {
    expect(await ask(0, dm(BOB, '/iiot tiers'))).toContain(TIERS_EN);
    expect(title(await ask(1, menu(BOB)))).toBe(TIERS_EN);
  });
});
