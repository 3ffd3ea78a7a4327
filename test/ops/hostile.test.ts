/**
 * Requests meant to break the bot, at its one HTTP server (Slack HTTP mode and Feishu webhook
 * together): correctly signed bodies that Bolt or node-sdk would throw on, oversized bodies,
 * malformed headers, aborted uploads. Each gets a prompt 4xx and one log line; the bot keeps serving.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/app.js';
import { FakeFeishu, FAKE_BOT_OPEN_ID } from '../fakes/feishu-api.js';
import { deliver, encrypt, messageEvent } from '../fakes/feishu-crypto.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { slashCommand, SlackSender } from '../fakes/signing.js';
import { jsonLogger } from '../support/logs.js';

const SECRET = 'hostile-signing-secret-0123';
const APP_ID = 'cli_a1b2c3d4e5f6b0b0';
const KEY = 'hostile-encrypt-key';
const TOKEN = 'hostile-verification-token';
/** Bolt answers a body it cannot route after 3 s; a prompt refusal is well under that. */
const BOLT_UNHANDLED_MS = 3000;

let slackApi: FakeSlack;
let feishuApi: FakeFeishu;
let bot: RunningBot;
let origin: string;
let slack: SlackSender;
const log = jsonLogger('info');

beforeAll(async () => {
  slackApi = await FakeSlack.start();
  feishuApi = await FakeFeishu.start();
  bot = await startBot({
    port: 0, logLevel: 'info',
    slack: { mode: 'http', botToken: 'xoxb-hostile', signingSecret: SECRET, apiUrl: slackApi.apiUrl },
    feishu: { mode: 'webhook', appId: APP_ID, appSecret: 'hostile-app-secret', encryptKey: KEY, verificationToken: TOKEN, domain: feishuApi.origin },
  }, { host: '127.0.0.1', logger: log.logger });
  origin = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}`;
  slack = new SlackSender(`${origin}/slack/events`, SECRET);
});

afterAll(async () => {
  await bot?.stop();
  await slackApi?.close();
  await feishuApi?.close();
});

let mark = 0;
beforeEach(() => { mark = log.lines().length; });
const newLines = () => log.lines().slice(mark);

/** The bot still answers: a signed /iiot gets its card. */
async function stillServing(): Promise<void> {
  const res = await slack.command(slashCommand('湖北', slackApi.responseUrl('alive')));
  expect(res.status).toBe(200);
  expect(JSON.stringify(res.json().blocks)).toContain('湖北');
}

const FORM = 'application/x-www-form-urlencoded';

describe('Slack: correctly signed bodies Bolt cannot take', () => {
  const cases: [string, string, string, number][] = [
    ['JSON null (crashed the process)', 'null', 'application/json', 400],
    ['an empty object (waited 3 s for a 404)', '{}', 'application/json', 400],
    ['an empty array', '[]', 'application/json', 400],
    ['a JSON string', '"hello"', 'application/json', 400],
    ['a number', '42', 'application/json', 400],
    ['malformed JSON', '{"type": "event_callback",', 'application/json', 400],
    ['an event that is null', '{"type":"event_callback","event":null}', 'application/json', 400],
    ['actions that are not a list', '{"type":"block_actions","actions":"x"}', 'application/json', 400],
    ['an unknown type', '{"type":"something_else"}', 'application/json', 400],
    ['a form without payload or command', 'foo=bar&baz=1', FORM, 400],
    ['a form whose payload is not JSON', 'payload=%7Bnot%20json', FORM, 400],
    ['a form whose payload is null', 'payload=null', FORM, 400],
    ['a form whose payload is an empty object', 'payload=%7B%7D', FORM, 400],
    ['an empty body', '', 'application/json', 400],
    ['JSON sent as text/plain', '{"type":"event_callback","event":{}}', 'text/plain', 415],
    ['no content type', '{}', '', 415],
  ];
  for (const [what, body, type, status] of cases) {
    it(`refuses ${what} with ${status} at once, logs it, and keeps serving`, async () => {
      const started = Date.now();
      const res = await slack.post(body, type);
      expect(res.status).toBe(status);
      expect(Date.now() - started).toBeLessThan(BOLT_UNHANDLED_MS);
      const rejected = newLines().filter((l) => l.msg === 'request rejected');
      expect(rejected).toEqual([expect.objectContaining({ level: 'warn', platform: 'slack', status })]);
      await stillServing();
    });
  }

  it('refuses an unsigned body with 401 and one line, before looking at it', async () => {
    expect((await slack.post('null', 'application/json', { signature: 'v0=forged' })).status).toBe(401);
    expect(newLines().filter((l) => l.msg === 'request rejected')).toEqual([expect.objectContaining({ platform: 'slack', status: 401, reason: expect.stringMatching(/signature mismatch/) })]);
    await stillServing();
  });
});

describe('Feishu: bodies node-sdk would throw on or mis-answer', () => {
  const url = () => `${origin}/feishu/events`;
  const signedRaw = (rawBody: string) => deliver(url(), undefined, { encryptKey: KEY, rawBody });
  const encrypted = (plaintext: string) => signedRaw(JSON.stringify({ encrypt: encrypt(KEY, plaintext) }));
  const header = (extra: Record<string, unknown> = {}) => ({ event_id: 'ev_hostile', token: TOKEN, event_type: 'im.message.receive_v1', create_time: '1', tenant_key: 't', app_id: APP_ID, ...extra });
  const cases: [string, () => ReturnType<typeof deliver>, number][] = [
    ['JSON null', () => signedRaw('null'), 400],
    ['an array', () => signedRaw('[]'), 400],
    ['malformed JSON', () => signedRaw('{"encrypt":'), 400],
    ['encrypt that is not a string', () => signedRaw('{"encrypt":42}'), 400],
    ['ciphertext that is not base64 of anything', () => signedRaw('{"encrypt":"!!!"}'), 400],
    ['decrypted null', () => encrypted('null'), 400],
    ['decrypted array', () => encrypted('[1,2]'), 400],
    ['decrypted string', () => encrypted('"x"'), 400],
    ['decrypted text that is not JSON', () => encrypted('not json'), 400],
    ['an envelope without header or type', () => encrypted(JSON.stringify({ token: TOKEN })), 400],
    ['a header that is not an object', () => encrypted(JSON.stringify({ schema: '2.0', header: 'x', event: {} })), 400],
    ['an event that is null', () => encrypted(JSON.stringify({ schema: '2.0', header: header(), event: null })), 400],
    ['a good envelope with the wrong token', () => encrypted(JSON.stringify({ schema: '2.0', header: header({ token: 'wrong' }), event: {} })), 401],
  ];
  for (const [what, send, status] of cases) {
    it(`refuses ${what} with ${status}, logs it once, and keeps serving`, async () => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(newLines().filter((l) => l.msg === 'request rejected')).toEqual([expect.objectContaining({ level: 'warn', platform: 'feishu', status })]);
      await stillServing();
    });
  }

  it('acks envelopes whose event lacks its fields, answers nothing, and logs them as ignored', async () => {
    const sent = feishuApi.delivered.length;
    for (const [type, event] of [['im.message.receive_v1', {}], ['im.message.receive_v1', { message: { chat_type: 'p2p' } }], ['application.bot.menu_v6', {}], ['card.action.trigger', {}]] as const) {
      const res = await encrypted(JSON.stringify({ schema: '2.0', header: header({ event_type: type, event_id: `ev_${Math.random()}` }), event }));
      expect(res.status, type).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(feishuApi.delivered.length).toBe(sent);
    expect(newLines().filter((l) => l.msg === 'event').map((l) => [l.kind, l.outcome])).toEqual(expect.arrayContaining([['dm', 'ignored'], ['menu', 'ignored']]));
    expect(newLines().filter((l) => l.level === 'error')).toEqual([]);
    await stillServing();
  });

  it('still answers a real mention after all that', async () => {
    const ev = messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'group', text: '@_user_1 湖北', mentions: [{ key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' }] });
    expect((await deliver(url(), ev, { encryptKey: KEY })).status).toBe(200);
    await feishuApi.waitFor(() => feishuApi.delivered.some((d) => d.target === ev.event.message.message_id));
  });
});

describe('bodies over the limit', () => {
  const big = 'x'.repeat(1024 * 1024 + 1);
  for (const path of ['/slack/events', '/feishu/events']) {
    it(`${path}: 413 for a declared length over 1 MB`, async () => {
      const res = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(res.status).toBe(413);
      await stillServing();
    });

    it(`${path}: 413 for a chunked body that grows over 1 MB`, async () => {
      const chunk = new TextEncoder().encode('y'.repeat(64 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ >= 24) return controller.close(); // 1.5 MB in all
          controller.enqueue(chunk);
        },
      });
      const res = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
      expect(res.status).toBe(413);
      expect(newLines().filter((l) => l.msg === 'request rejected' && l.status === 413)).toHaveLength(1);
      await stillServing();
    });
  }
});

/** Writes raw bytes to the server and resolves with what came back (until the server closes). */
function rawRequest(bytes: Buffer | string, opts: { abortAfterWrite?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const { port } = bot.server!.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      if (opts.abortAfterWrite) setTimeout(() => socket.destroy(), 50);
    });
    let out = '';
    socket.on('data', (d) => { out += d; });
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('malformed requests and aborted uploads', () => {
  it('answers a header over 16 KB with 431, logs one line, keeps serving', async () => {
    const out = await rawRequest(`POST /slack/events HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\ncontent-length: 0\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 431 /);
    expect(newLines().filter((l) => /malformed request/.test(l.msg))).toHaveLength(1);
    await stillServing();
  });

  it('answers a header name with non-ASCII bytes with 400', async () => {
    const out = await rawRequest(Buffer.concat([Buffer.from('POST /feishu/events HTTP/1.1\r\nhost: x\r\n'), Buffer.from('名字: 值\r\n'), Buffer.from('content-length: 0\r\n\r\n')]));
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    await stillServing();
  });

  it('refuses a Slack request whose signature header is non-ASCII: 401 from Bolt', async () => {
    const body = '{"type":"event_callback","event":{}}';
    const out = await rawRequest(Buffer.concat([
      Buffer.from(`POST /slack/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nconnection: close\r\nx-slack-request-timestamp: ${Math.floor(Date.now() / 1000)}\r\nx-slack-signature: v0=`),
      Buffer.from('签名'), Buffer.from(`\r\ncontent-length: ${body.length}\r\n\r\n${body}`),
    ]));
    expect(out).toMatch(/^HTTP\/1\.1 401 /);
  });

  for (const path of ['/slack/events', '/feishu/events']) {
    it(`${path}: an upload aborted half-way logs one line`, async () => {
      await rawRequest(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"encrypt":"abc`, { abortAfterWrite: true });
      await new Promise((r) => setTimeout(r, 200));
      const lines = newLines();
      expect(lines, JSON.stringify(lines)).toHaveLength(1);
      expect(lines[0]!.msg).toMatch(/aborted/);
      await stillServing();
    });
  }
});
