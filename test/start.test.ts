/**
 * `npm start` as an operator runs it: the real `iiot start` process, configured only by environment
 * variables, with Slack (HTTP mode) and Feishu (webhook) on one port and both platforms' APIs faked
 * on 127.0.0.1. Also Slack's default, Socket Mode. This is the wiring the other tests take for granted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cardText, FakeFeishu, FAKE_BOT_OPEN_ID } from './fakes/feishu-api.js';
import { deliver, messageEvent } from './fakes/feishu-crypto.js';
import { slashCommand, SlackSender } from './fakes/signing.js';
import { FakeSlack } from './fakes/slack-api.js';

const BIN = fileURLToPath(new URL('../src/bin/iiot.js', import.meta.url));
const FEISHU = { appId: 'cli_a1b2c3d4e5f6beef', secret: 'start-test-secret', key: 'start-encrypt-key', token: 'start-verify-token' };
const SLACK_SECRET = 'start-test-signing-secret';

let slack: FakeSlack;
let feishu: FakeFeishu;
let child: ChildProcess | undefined;

beforeAll(async () => {
  slack = await FakeSlack.start();
  feishu = await FakeFeishu.start();
  feishu.appSecret = FEISHU.secret;
});

afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
  }
  child = undefined;
});

afterAll(async () => {
  await slack?.close();
  await feishu?.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts `iiot start` with exactly these variables (and PATH), from an empty directory. */
function start(env: Record<string, string>): { output: () => string } {
  let output = '';
  child = spawn(process.execPath, [BIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    cwd: mkdtempSync(join(tmpdir(), 'iiot-start-')),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  return { output: () => output };
}

async function waitForHealth(port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch { /* not listening yet */ }
    if (child?.exitCode !== null) throw new Error(`iiot start exited: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no /healthz within 15 s: ${log()}`);
}

describe('iiot start with Slack (HTTP) and Feishu (webhook) on one port', () => {
  it('answers a signed slash command and an encrypted Feishu mention, then shuts down on SIGTERM', async () => {
    const port = await freePort();
    const run = start({
      PORT: String(port),
      SLACK_MODE: 'http', SLACK_BOT_TOKEN: 'xoxb-start-test', SLACK_SIGNING_SECRET: SLACK_SECRET, SLACK_API_URL: slack.apiUrl,
      FEISHU_MODE: 'webhook', FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret,
      FEISHU_ENCRYPT_KEY: FEISHU.key, FEISHU_VERIFICATION_TOKEN: FEISHU.token, FEISHU_DOMAIN: feishu.origin,
    });
    await waitForHealth(port, run.output);

    const ack = await new SlackSender(`http://127.0.0.1:${port}/slack/events`, SLACK_SECRET).command(slashCommand('湖北省属于哪个梯队？', slack.responseUrl('start')));
    expect(ack.status).toBe(200);
    expect(ack.json()).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(ack.json().blocks)).toContain('示范引领');

    const event = messageEvent({ appId: FEISHU.appId, token: FEISHU.token, chatType: 'group', text: '@_user_1 what tier is Wuhan in', mentions: [{ key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' }] });
    const res = await deliver(`http://127.0.0.1:${port}/feishu/events`, event, { encryptKey: FEISHU.key });
    expect(res.status).toBe(200);
    const reply = await waitFor(() => feishu.delivered.find((d) => d.target === event.event.message.message_id));
    expect(cardText(reply.card)).toContain('Wuhan → Hubei');
    expect(cardText(reply.card)).toContain('Leading the Way');

    child!.kill('SIGTERM');
    const code = await new Promise((r) => child!.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    // Generous: the bot draws the slash command's picture meanwhile, on a machine that may be busy.
  }, 30_000);
});

describe('iiot start on a port already in use', () => {
  it('stops with one line naming PORT', async () => {
    const busy = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => busy.once('listening', r));
    const port = (busy.address() as { port: number }).port;
    try {
      const run = start({
        PORT: String(port), FEISHU_MODE: 'webhook', FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret,
        FEISHU_ENCRYPT_KEY: FEISHU.key, FEISHU_VERIFICATION_TOKEN: FEISHU.token, FEISHU_DOMAIN: feishu.origin,
      });
      const code = await new Promise((r) => child!.once('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(run.output().trim()).toBe(`iiot: PORT ${port} cannot be used (EADDRINUSE): choose another port`);
    } finally {
      busy.close();
    }
  });
});

describe('iiot start with Slack credentials only', () => {
  it('connects in Socket Mode by default and answers a slash command over the socket', async () => {
    const run = start({ SLACK_BOT_TOKEN: 'xoxb-start-socket', SLACK_APP_TOKEN: 'xapp-1-start', SLACK_API_URL: slack.apiUrl });
    await slack.waitFor(() => slack.callsTo('apps.connections.open').find((c) => c.token === 'xapp-1-start'), 'apps.connections.open', 15_000)
      .catch((err) => { throw new Error(`${err}: ${run.output()}`); });
    await slack.waitForSocket();
    slack.sendEnvelope({ envelope_id: 'start-env-1', type: 'slash_commands', accepts_response_payload: true, payload: slashCommand('GANSU', slack.responseUrl('start-sock')) });
    const ack = await slack.waitForAck('start-env-1');
    expect(JSON.stringify(ack.payload.blocks)).toContain('Getting Started');
  });
});

describe('iiot start with Feishu credentials only', () => {
  it('opens the long connection by default and replies to a pushed event', async () => {
    const run = start({ FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret, FEISHU_DOMAIN: feishu.origin });
    await waitFor(() => (feishu.connections > 0 ? true : undefined), 15_000).catch(() => { throw new Error(`no long connection: ${run.output()}`); });
    const event = messageEvent({ appId: FEISHU.appId, token: '', chatType: 'p2p', text: '後發追趕有哪些省？' });
    expect((await feishu.pushEvent(event)).code).toBe(200);
    const reply = await waitFor(() => feishu.delivered.find((d) => d.target === event.event.message.message_id));
    expect(cardText(reply.card)).toContain('山西、河北、内蒙古');
  });
});

async function waitFor<T>(pick: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = pick();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
