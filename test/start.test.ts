/**
 * `npm start` as an operator runs it: the real `iiot start` process, configured only by environment
 * variables, with Slack (HTTP mode) and Feishu (webhook) on one port and both platforms' APIs faked
 * on 127.0.0.1. Also Slack's default, Socket Mode. This is the wiring the other tests take for granted.
 * The process runs the sources; the last test builds dist/ (`npm run build`) and runs the installed
 * command, src/bin/iiot.js, which is what `npm start` and `npx iiot` run.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
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
import { BUILT_CLI, SOURCE_CLI } from './support/cli.js';

const FEISHU = { appId: 'cli_a1b2c3d4e5f6beef', secret: 'start-test-secret', key: 'start-encrypt-key', token: 'start-verify-token' };
const SLACK_SECRET = 'start-test-signing-secret';
/** A process start takes about a second, more on a busy machine: the waits inside allow 15 s. */
const SLOW = { timeout: 30_000 };

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
function start(env: Record<string, string>, cli = SOURCE_CLI): { output: () => string } {
  let output = '';
  child = spawn(process.execPath, [...cli, 'start'], {
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

/** Slack (HTTP) and Feishu (webhook) on one port: a slash command and a mention answered, then SIGTERM. */
async function answersBothPlatforms(cli: string[]): Promise<void> {
  const port = await freePort();
  const run = start({
    PORT: String(port),
    SLACK_MODE: 'http', SLACK_BOT_TOKEN: 'xoxb-start-test', SLACK_SIGNING_SECRET: SLACK_SECRET, SLACK_API_URL: slack.apiUrl,
    FEISHU_MODE: 'webhook', FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret,
    FEISHU_ENCRYPT_KEY: FEISHU.key, FEISHU_VERIFICATION_TOKEN: FEISHU.token, FEISHU_DOMAIN: feishu.origin,
  }, cli);
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
}

describe('iiot start with Slack (HTTP) and Feishu (webhook) on one port', () => {
  it('answers a signed slash command and an encrypted Feishu mention, then shuts down on SIGTERM', SLOW, () => answersBothPlatforms(SOURCE_CLI));
});

describe('iiot start on a port already in use', () => {
  it('stops with one line naming PORT', SLOW, async () => {
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

describe('iiot start with a malformed REDIS_URL', () => {
  it('stops with one line naming REDIS_URL, without repeating it', async () => {
    const run = start({
      REDIS_URL: 'redis//:hunter2@redis.internal:6379', FEISHU_MODE: 'webhook', FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret,
      FEISHU_ENCRYPT_KEY: FEISHU.key, FEISHU_VERIFICATION_TOKEN: FEISHU.token, FEISHU_DOMAIN: feishu.origin,
    });
    const code = await new Promise((r) => child!.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(run.output().trim()).toBe('iiot: REDIS_URL is not valid: a URL such as redis://127.0.0.1:6379/0, or rediss:// for TLS');
  });
});

describe('iiot start with Slack credentials only', () => {
  it('connects in Socket Mode by default and answers a slash command over the socket', SLOW, async () => {
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
  it('opens the long connection by default and replies to a pushed event', SLOW, async () => {
    const run = start({ FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret, FEISHU_DOMAIN: feishu.origin });
    await waitFor(() => (feishu.connections > 0 ? true : undefined), 15_000).catch(() => { throw new Error(`no long connection: ${run.output()}`); });
    const event = messageEvent({ appId: FEISHU.appId, token: '', chatType: 'p2p', text: '後發追趕有哪些省？' });
    expect((await feishu.pushEvent(event)).code).toBe(200);
    const reply = await waitFor(() => feishu.delivered.find((d) => d.target === event.event.message.message_id));
    expect(cardText(reply.card)).toContain('山西、河北、内蒙古');
  });
});

describe('the built command (npm run build, then src/bin/iiot.js, as npm start and npx iiot run it)', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [fileURLToPath(new URL('../src/bin/build.mjs', import.meta.url))], { stdio: 'pipe' });
  }, 60_000);

  it('answers from dist/, with the data files found beside the compiled code', SLOW, () => {
    // 胡北 is found by sound: src/core/sound-index.json, read at run time, must be in dist/ too.
    const out = execFileSync(process.execPath, [...BUILT_CLI, 'ask', '--lang', 'en', '胡北'], { cwd: mkdtempSync(join(tmpdir(), 'iiot-built-')), encoding: 'utf8' });
    expect(out).toContain('Hubei 湖北 · Tier: Leading the Way');
  });

  it('starts both platforms (their SDKs imported lazily from dist/) and answers each', SLOW, () => answersBothPlatforms(BUILT_CLI));
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
