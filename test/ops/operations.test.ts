/**
 * What an operator sees: one JSON log line per event, no secret in any log at any level, user
 * text only at debug, `/healthz`, `/readyz` and `/metrics` on the bot's port.
 *
 * Both platforms in both transports, as `iiot start` runs them, against the local fakes: Slack
 * HTTP + Feishu webhook in one bot, Slack Socket Mode + Feishu long connection in another.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/app.js';
import { secretsOf, type Config } from '../../src/infra/config.js';
import { MemoryStore, type Store } from '../../src/infra/store.js';
import { cardButtons, FakeFeishu, FAKE_BOT_OPEN_ID } from '../fakes/feishu-api.js';
import { cardActionEvent, deliver, menuEvent, messageEvent } from '../fakes/feishu-crypto.js';
import { BOT_USER_ID, FakeSlack } from '../fakes/slack-api.js';
import { blockActions, eventEnvelope, slashCommand, SlackSender } from '../fakes/signing.js';
import { jsonLogger } from '../support/logs.js';
import { RedisServer } from '../support/redis.js';

/** A question no log line may carry below debug. */
const QUESTION = 'quokka-marker 湖北';
const MENTION = { key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' };

/** The password of the Redis the HTTP bots share state on: REDIS_URL carries it, no log line may. */
const REDIS_PASSWORD = 'redis-pass-3e1f*9a';

let slackApi: FakeSlack;
let feishuApi: FakeFeishu;
let redis: RedisServer;
const running: RunningBot[] = [];

beforeAll(async () => {
  slackApi = await FakeSlack.start();
  feishuApi = await FakeFeishu.start();
  redis = await RedisServer.start(undefined, { password: REDIS_PASSWORD });
});

afterAll(async () => {
  await Promise.all(running.map((b) => b.stop()));
  await slackApi?.close();
  await feishuApi?.close();
  await redis?.close();
});

const httpConfig = (level: Config['logLevel'], n: string): Config => ({
  port: 0, logLevel: level,
  redis: { url: redis.url, keyPrefix: `ops-${n}:` },
  slack: { mode: 'http', botToken: `xoxb-http-${n}-7f3a9c`, signingSecret: `slack-signing-${n}-c0ffee42`, apiUrl: slackApi.apiUrl },
  feishu: {
    mode: 'webhook', appId: `cli_a1b2c3d4e5f6c${n}0${n}`.slice(0, 20), appSecret: `feishu-app-secret-${n}-51ab`,
    encryptKey: `feishu-encrypt-${n}-9d2e`, verificationToken: `feishu-verify-${n}-77aa`, domain: feishuApi.origin,
  },
});

const longConfig = (level: Config['logLevel'], n: string): Config => ({
  port: 0, logLevel: level,
  slack: { mode: 'socket', botToken: `xoxb-sock-${n}-1b2c3d`, appToken: `xapp-1-sock-${n}-4e5f6a`, apiUrl: slackApi.apiUrl },
  feishu: { mode: 'ws', appId: `cli_a1b2c3d4e5f6d${n}0${n}`.slice(0, 20), appSecret: `feishu-ws-secret-${n}-8c7d`, domain: feishuApi.origin },
});

async function start(config: Config, store?: Store) {
  const log = jsonLogger(config.logLevel, secretsOf(config));
  const bot = await startBot(config, { host: '127.0.0.1', logger: log.logger, ...(store ? { store } : {}) });
  running.push(bot);
  return { bot, log, origin: `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}` };
}

/** Every kind of event on both HTTP routes, including failures and refused requests. */
async function httpFlow(config: Config, origin: string): Promise<void> {
  const s = config.slack!;
  const f = config.feishu!;
  const slack = new SlackSender(`${origin}/slack/events`, s.signingSecret!);
  expect((await slack.command(slashCommand(QUESTION, slackApi.responseUrl('ops-cmd')))).status).toBe(200);
  const mention = eventEnvelope({ type: 'app_mention', user: 'U0OPS', text: `<@${BOT_USER_ID}> ${QUESTION}`, ts: `${Date.now()}.0001`, channel: 'C0OPS', event_ts: '1' });
  const before = slackApi.callsTo('chat.postMessage').length;
  await slack.event(mention);
  await slack.event(mention, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
  await slackApi.waitForCall('chat.postMessage', before + 1);
  slackApi.fail('chat.postMessage', 'channel_not_found');
  const callsBefore = slackApi.calls.length;
  await slack.event(eventEnvelope({ type: 'message', channel_type: 'im', channel: 'D0OPS', user: 'U0OPS', text: QUESTION, ts: `${Date.now()}.0002`, event_ts: '2' }));
  await slackApi.waitFor(() => slackApi.calls.slice(callsBefore).find((c) => c.result?.error === 'channel_not_found'), 'a failed send');
  slackApi.clearFailures();
  await slack.interaction(blockActions({ actionId: 'iiot:0', value: 'tier rising', responseUrl: slackApi.responseUrl('ops-act'), message: { channel: 'C0OPS', ts: '1700000000.000100' } }));
  await slack.post('null', 'application/json');
  await slack.command(slashCommand('forged', slackApi.responseUrl('x')), { signature: 'v0=forged' });

  const url = `${origin}/feishu/events`;
  const group = messageEvent({ appId: f.appId, token: f.verificationToken!, chatType: 'group', text: `@_user_1 ${QUESTION}`, mentions: [MENTION] });
  await deliver(url, group, { encryptKey: f.encryptKey! });
  await deliver(url, group, { encryptKey: f.encryptKey! });
  await deliver(url, menuEvent({ appId: f.appId, token: f.verificationToken!, eventKey: 'tiers', openId: 'ou_ops00000000000000000000000000001' }), { encryptKey: f.encryptKey! });
  await feishuApi.waitFor(() => feishuApi.delivered.some((d) => d.target === group.event.message.message_id));
  const [button] = cardButtons(feishuApi.delivered.find((d) => d.target === group.event.message.message_id)!.card);
  await deliver(url, cardActionEvent({ appId: f.appId, token: f.verificationToken!, value: { cmd: button!.cmd } }), { encryptKey: f.encryptKey! });
  // Two transient failures (retried), then a refusal that is final: the reply is given up.
  feishuApi.fail(/\/reply$/, 500, { code: 99991663, msg: 'fake outage' }, 2);
  feishuApi.fail(/\/reply$/, 400, { code: 230002, msg: 'bot not in chat' }, 1);
  const failing = messageEvent({ appId: f.appId, token: f.verificationToken!, chatType: 'p2p', text: QUESTION });
  await deliver(url, failing, { encryptKey: f.encryptKey! });
  await deliver(url, failing, { encryptKey: f.encryptKey!, signature: 'forged' });
}

/** Events over Socket Mode and the long connection. */
async function longFlow(config: Config): Promise<void> {
  await slackApi.waitForSocket();
  slackApi.sendEnvelope({ envelope_id: `ops-env-${config.logLevel}`, type: 'slash_commands', accepts_response_payload: true, payload: slashCommand(QUESTION, slackApi.responseUrl('ops-sock')) });
  await slackApi.waitForAck(`ops-env-${config.logLevel}`);
  const ev = messageEvent({ appId: config.feishu!.appId, token: '', chatType: 'p2p', text: QUESTION });
  await feishuApi.pushEvent(ev);
  await feishuApi.waitFor(() => feishuApi.delivered.some((d) => d.target === ev.event.message.message_id));
}

/** Waits until the bot has written its last line about the flow (sends and retries are async). */
async function settle(lines: () => Record<string, any>[], pred: (l: Record<string, any>) => boolean, n: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (lines().filter(pred).length < n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} lines, got ${JSON.stringify(lines().filter(pred))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('logs', () => {
  it('carry no configured secret at any level, in either transport, and user text only at debug', async () => {
    for (const level of ['debug', 'info'] as const) {
      const http = httpConfig(level, level === 'debug' ? '1' : '2');
      const a = await start(http);
      await httpFlow(http, a.origin);
      await settle(a.log.lines, (l) => l.msg === 'event' && l.platform === 'feishu', 5);
      const long = longConfig(level, level === 'debug' ? '3' : '4');
      const b = await start(long);
      await longFlow(long);
      await settle(b.log.lines, (l) => l.msg === 'event', 2);

      for (const [config, log] of [[http, a.log], [long, b.log]] as const) {
        const raw = log.raw();
        expect(raw.split('\n').length).toBeGreaterThan(level === 'debug' ? 40 : 5);
        for (const secret of secretsOf(config)) expect(raw, `${level} logs contain ${secret}`).not.toContain(secret);
        expect(raw).not.toContain(REDIS_PASSWORD);
        expect(raw).not.toContain(encodeURIComponent(REDIS_PASSWORD));
        expect(raw).not.toMatch(/Bearer (?!\[redacted\])/);
        if (level === 'info') expect(raw).not.toContain('quokka-marker');
        else expect(log.lines().some((l) => l.msg === 'event text' && String(l.text).includes('quokka-marker'))).toBe(true);
      }
      await a.bot.stop();
      await b.bot.stop();
    }
  }, 60_000);

  it('write one line per event: platform, kind, intent, outcome, latency, request id', async () => {
    const config = httpConfig('info', '5');
    const { log, origin, bot } = await start(config);
    await httpFlow(config, origin);
    await settle(log.lines, (l) => l.msg === 'event' && l.platform === 'feishu', 5);
    await settle(log.lines, (l) => l.msg === 'event' && l.platform === 'slack', 5);
    const events = log.lines().filter((l) => l.msg === 'event');
    for (const e of events) {
      expect(e.req).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof e.latency_ms).toBe('number');
    }
    expect(new Set(events.map((e) => e.req)).size).toBe(events.length);
    const slack = events.filter((e) => e.platform === 'slack');
    expect(slack).toEqual(expect.arrayContaining([
      expect.objectContaining({ level: 'info', kind: 'command', intent: 'region', outcome: 'answered' }),
      expect.objectContaining({ level: 'info', kind: 'mention', intent: 'region', outcome: 'answered' }),
      expect.objectContaining({ level: 'info', kind: 'mention', outcome: 'duplicate' }),
      expect.objectContaining({ level: 'warn', kind: 'dm', intent: 'region', outcome: 'failed' }),
      expect.objectContaining({ level: 'info', kind: 'action', intent: 'tier', outcome: 'answered' }),
    ]));
    const feishu = events.filter((e) => e.platform === 'feishu');
    expect(feishu).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'mention', intent: 'region', outcome: 'answered' }),
      expect.objectContaining({ kind: 'mention', outcome: 'duplicate' }),
      expect.objectContaining({ kind: 'menu', intent: 'tier', outcome: 'answered' }),
      expect.objectContaining({ kind: 'action', outcome: 'answered' }),
      expect.objectContaining({ kind: 'dm', outcome: 'failed' }),
    ]));
    // Refused requests: a line each, not an event.
    expect(log.lines().filter((l) => l.msg === 'request rejected').map((l) => [l.platform, l.status]))
      .toEqual(expect.arrayContaining([['slack', 400], ['feishu', 401]]));

    const metrics = await (await fetch(`${origin}/metrics`)).text();
    expect(metrics).toMatch(/^iiot_events_total\{platform="slack",kind="command",outcome="answered"\} [1-9]/m);
    expect(metrics).toMatch(/^iiot_events_total\{platform="feishu",kind="dm",outcome="failed"\} 1$/m);
    expect(metrics).toMatch(/^iiot_duplicates_suppressed_total\{platform="slack"\} 1$/m);
    expect(metrics).toMatch(/^iiot_duplicates_suppressed_total\{platform="feishu"\} 1$/m);
    expect(metrics).toMatch(/^iiot_answer_latency_seconds_count\{platform="slack",kind="command"\} [1-9]/m);
    expect(metrics).toMatch(/^iiot_api_errors_total\{platform="slack",method="chat.postMessage"\} 1$/m);
    expect(metrics).toMatch(/^iiot_api_errors_total\{platform="feishu",method="im.message.reply"\} 3$/m);
    expect(metrics).toMatch(/^iiot_api_retries_total\{platform="feishu",method="im.message.reply"\} 2$/m);
    expect(metrics).toMatch(/^iiot_requests_rejected_total\{platform="slack",status="400"\} 1$/m);
    expect(metrics).toMatch(/^iiot_pending_replies\{platform="feishu"\} 0$/m);
    expect(metrics).toMatch(/^iiot_replies_dropped_total\{platform="feishu",reason="failed"\} 1$/m);
    expect(metrics).toMatch(/^iiot_replies_dropped_total\{platform="slack",reason="failed"\} 1$/m);
    expect(metrics).toMatch(/^iiot_connection_up\{platform="slack"\} 1$/m);
    expect(metrics).toMatch(/^iiot_process_resident_memory_bytes /m);
    await bot.stop();
  }, 30_000);
});

describe('/healthz and /readyz', () => {
  it('say alive and ready once both platforms are up; /readyz names what is not', async () => {
    let reachable = true;
    const store = Object.assign(new MemoryStore(), { ready: () => reachable });
    const { origin, bot } = await start(httpConfig('warn', '6'), store);
    expect(await (await fetch(`${origin}/healthz`)).text()).toBe('ok');
    const ok = await fetch(`${origin}/readyz`);
    expect([ok.status, await ok.json()]).toEqual([200, { ready: true }]);

    reachable = false;
    const down = await fetch(`${origin}/readyz`);
    expect([down.status, await down.json()]).toEqual([503, { ready: false, reasons: ['store: not reachable'] }]);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    reachable = true;

    await bot.adapters[0]!.stop();
    const stopped = await fetch(`${origin}/readyz`);
    expect([stopped.status, await stopped.json()]).toEqual([503, { ready: false, reasons: ['slack: stopped'] }]);
    await bot.stop();
  });

  it('/readyz says stopping while the replies under way finish; then the port is closed', async () => {
    const config = httpConfig('warn', '7');
    const { origin, bot } = await start(config);
    slackApi.delays.set('chat.postMessage', 1500);
    try {
      const slack = new SlackSender(`${origin}/slack/events`, config.slack!.signingSecret!);
      await slack.event(eventEnvelope({ type: 'app_mention', user: 'U0OPS', text: `<@${BOT_USER_ID}> 湖北`, ts: `${Date.now()}.0007`, channel: 'C0STOP', event_ts: '7' }));
      await slackApi.waitFor(() => (slackApi.openRequestCount >= 1 ? true : undefined), 'the reply in flight');
      const stopping = bot.stop(30_000);
      const ready = await fetch(`${origin}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([503, { ready: false, reasons: ['stopping'] }]);
      // New events are turned away (the platform re-delivers them to another replica).
      expect((await slack.event(eventEnvelope({ type: 'app_mention', user: 'U0OPS', text: `<@${BOT_USER_ID}> 湖北`, ts: `${Date.now()}.0008`, channel: 'C0STOP', event_ts: '8' }))).status).toBe(503);
      await stopping;
      expect(slackApi.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0STOP').map((c) => c.result?.ok)).toEqual([true]);
      await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
    } finally {
      slackApi.delays.clear();
    }
  });
});
