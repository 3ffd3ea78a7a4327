/**
 * The long connection (default mode), as far as it goes without Feishu: node-sdk's real WSClient
 * asks the fake's `/callback/ws/endpoint` for a socket, connects to it on 127.0.0.1, and receives
 * events as node-sdk's own protobuf data frames; its ack frames carry what the handler returned.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/app.js';
import type { Config } from '../../src/infra/config.js';
import { MemoryStore } from '../../src/infra/store.js';
import type { FeishuAdapter } from '../../src/platforms/feishu/adapter.js';
import { cardButtons, cardText, cardViolations, FakeFeishu, FAKE_BOT_OPEN_ID } from '../fakes/feishu-api.js';
import { cardActionEvent, menuEvent, messageEvent } from '../fakes/feishu-crypto.js';
import { capturingLogger, type LogLine } from '../support/logs.js';

// Unique per test file: node-sdk caches tokens per appId. WSClient only starts for cli_ + 16 hex.
const APP_ID = 'cli_a1b2c3d4e5f60002';
const APP_SECRET = 'ws-test-secret';
const BOT = { key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' };
// Over the long connection there is no verification token: events arrive as sent.
const TOKEN = '';

let fake: FakeFeishu;
let bot: RunningBot;
let adapter: FeishuAdapter;
const logs: LogLine[] = [];
const captureLogger = () => capturingLogger(logs);

const wsConfig = (domain: string, appId = APP_ID, appSecret = APP_SECRET): Config => ({
  port: 0,
  logLevel: 'error',
  feishu: { mode: 'ws', appId, appSecret, domain },
});

beforeAll(async () => {
  fake = await FakeFeishu.start();
  fake.appSecret = APP_SECRET;
  bot = await startBot(wsConfig(fake.origin), { logger: captureLogger(), store: new MemoryStore(), host: '127.0.0.1' });
  adapter = bot.adapters[0] as FeishuAdapter;
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

beforeEach(() => {
  fake.reset();
  logs.length = 0;
});

describe('long connection', () => {
  it('connects through /callback/ws/endpoint with the app credentials, and needs no HTTP route', async () => {
    expect(fake.connections).toBe(1);
    expect(adapter.routes).toEqual([]);
    // The port serves only the operator endpoints.
    const origin = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}`;
    expect((await fetch(`${origin}/feishu/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
  });

  it('answers a group @mention pushed as an event frame', async () => {
    const ev = messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'group', text: '@_user_1 湖北是哪个梯队', mentions: [BOT] });
    const ack = await fake.pushEvent(ev);
    expect(ack.code).toBe(200);
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    expect(fake.delivered[0]).toMatchObject({ kind: 'reply', target: ev.event.message.message_id, msgType: 'interactive' });
    expect(cardViolations(fake.delivered[0]!.card)).toEqual([]);
    expect(fake.delivered[0]!.card.header.title.content).toContain('湖北');
    expect(cardText(fake.delivered[0]!.card)).toContain('示范引领');
  });

  it('ignores a group message without a bot mention', async () => {
    await fake.pushEvent(messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'group', text: '湖北' }));
    await adapter.idle();
    expect(fake.delivered).toEqual([]);
  });

  it('acks at once while the reply is still on its way', async () => {
    fake.sendDelayMs = 3500;
    const ack = await fake.pushEvent(messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text: '湖北' }));
    expect(ack.code).toBe(200);
    expect(ack.ms).toBeLessThan(1000);
    expect(fake.delivered).toEqual([]);
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
  }, 10_000);

  it('answers the same event pushed twice once', async () => {
    const ev = messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text: '湖北' });
    await fake.pushEvent(ev);
    await fake.pushEvent(ev);
    await adapter.idle();
    expect(fake.callsTo(/\/reply$/)).toHaveLength(1);
  });

  it('answers a card callback in the ack frame with the new card', async () => {
    const ev = messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text: '湖北' });
    await fake.pushEvent(ev);
    await adapter.idle();
    const [button] = cardButtons(fake.delivered[0]!.card);
    const ack = await fake.pushEvent(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { cmd: button!.cmd } }));
    expect(ack.code).toBe(200);
    expect(ack.result.card.type).toBe('raw');
    expect(cardViolations(ack.result.card.data)).toEqual([]);
    expect(cardText(ack.result.card.data)).toContain('示范引领');
  });

  it('sends the bot menu\'s card to the clicker', async () => {
    await fake.pushEvent(menuEvent({ appId: APP_ID, token: TOKEN, eventKey: 'help', openId: 'ou_menuws000000000000000000000001' }));
    await adapter.idle();
    expect(fake.delivered).toEqual([expect.objectContaining({ kind: 'create', target: 'ou_menuws000000000000000000000001', receiveIdType: 'open_id' })]);
  });

  it('reconnects after Feishu drops the connection, and keeps answering', async () => {
    fake.dropConnections();
    await fake.waitFor(() => fake.connections === 1 && fake.callsTo(/\/callback\/ws\/endpoint$/).length > 0, 5000);
    await fake.pushEvent(messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text: '湖北' }));
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
  }, 10_000);
});

describe('start and stop', () => {
  it('stop() closes the connection for good: no reconnect afterwards', async () => {
    const other = await FakeFeishu.start();
    try {
      const running = await startBot(wsConfig(other.origin, 'cli_a1b2c3d4e5f6000a'), { logger: captureLogger(), host: '127.0.0.1' });
      expect(other.connections).toBe(1);
      await running.stop();
      await other.waitFor(() => other.connections === 0);
      const endpointCalls = other.callsTo(/\/callback\/ws\/endpoint$/).length;
      await new Promise((r) => setTimeout(r, 1500));
      expect(other.connections).toBe(0);
      expect(other.callsTo(/\/callback\/ws\/endpoint$/)).toHaveLength(endpointCalls);
    } finally {
      await other.close();
    }
  });

  it('fails start-up with one clear line when Feishu refuses the long connection', async () => {
    const other = await FakeFeishu.start();
    other.wsEndpointCode = 403;
    try {
      await expect(startBot(wsConfig(other.origin, 'cli_a1b2c3d4e5f6000b'), { logger: captureLogger(), host: '127.0.0.1' }))
        .rejects.toThrow(/long connection failed.*FEISHU_APP_ID/);
    } finally {
      await other.close();
    }
  });
});
