/**
 * `npm start` as an operator runs it: the real `iiot start` process, configured only by environment
 * variables, with Slack (HTTP mode) and Feishu (webhook) on one port and both platforms' APIs faked
 * on 127.0.0.1. Also Slack's default, Socket Mode. This is the wiring the other tests take for granted.
 * The process runs the sources; the last tests build dist/ (`npm run build`) and run the installed
 * command, src/bin/iiot.js, which is what `npm start` and `npx iiot` run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cardText, FakeFeishu, FAKE_BOT_OPEN_ID } from './fakes/feishu-api.js';
import { deliver, messageEvent } from './fakes/feishu-crypto.js';
import { eventEnvelope, slashCommand, SlackSender } from './fakes/signing.js';
import { BOT_USER_ID, FakeSlack } from './fakes/slack-api.js';
import { commandNodeFlags } from '../src/bin/bundle.js';
import { BIN, BUILT_CLI, SOURCE_CLI } from './support/cli.js';
import { freePort, killStarted, startIiot, waitFor, waitForHealth } from './support/iiot-process.js';

// Each test starts a Node process; on a loaded machine that alone can take seconds.
vi.setConfig({ testTimeout: 40_000 });

const FEISHU = { appId: 'cli_a1b2c3d4e5f6beef', secret: 'start-test-secret', key: 'start-encrypt-key', token: 'start-verify-token' };
const SLACK_SECRET = 'start-test-signing-secret';

let slack: FakeSlack;
let feishu: FakeFeishu;

beforeAll(async () => {
  slack = await FakeSlack.start();
  feishu = await FakeFeishu.start();
  feishu.appSecret = FEISHU.secret;
});

afterEach(async () => {
  await killStarted();
  slack.clearFailures();
  feishu.reset();
});

afterAll(async () => {
  await slack?.close();
  await feishu?.close();
});

const start = startIiot;

/** Slack (HTTP) and Feishu (webhook) on one port: a slash command and a mention answered, then SIGTERM. */
async function answersBothPlatforms(cli: string[]): Promise<void> {
  const port = await freePort();
  const run = start({
    PORT: String(port),
    SLACK_MODE: 'http', SLACK_BOT_TOKEN: 'xoxb-start-test', SLACK_SIGNING_SECRET: SLACK_SECRET, SLACK_API_URL: slack.apiUrl,
    FEISHU_MODE: 'webhook', FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret,
    FEISHU_ENCRYPT_KEY: FEISHU.key, FEISHU_VERIFICATION_TOKEN: FEISHU.token, FEISHU_DOMAIN: feishu.origin,
  }, cli);
  await waitForHealth(run, port);

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

  run.child.kill('SIGTERM');
  const code = await run.exited;
  expect(code).toBe(0);
}

describe('iiot start with Slack (HTTP) and Feishu (webhook) on one port', () => {
  it('answers a signed slash command and an encrypted Feishu mention, then shuts down on SIGTERM', () => answersBothPlatforms(SOURCE_CLI));
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
      const code = await run.exited;
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
    expect(await run.exited).toBe(1);
    expect(run.output().trim()).toBe('iiot: REDIS_URL is not valid: a URL such as redis://127.0.0.1:6379/0, or rediss:// for TLS');
  });
});

/** Slack credentials only: Socket Mode by default, a slash command answered over the socket. */
async function answersOverSocketMode(cli: string[]): Promise<void> {
  // No Slack route, but the operator endpoints (/healthz, /readyz, /metrics) still take PORT.
  const appToken = `xapp-1-start-${cli === SOURCE_CLI ? 'src' : 'built'}`;
  const run = start({ PORT: String(await freePort()), SLACK_BOT_TOKEN: 'xoxb-start-socket', SLACK_APP_TOKEN: appToken, SLACK_API_URL: slack.apiUrl }, cli);
  await slack.waitFor(() => slack.callsTo('apps.connections.open').find((c) => c.token === appToken), 'apps.connections.open', 15_000)
    .catch((err) => { throw new Error(`${err}: ${run.output()}`); });
  await slack.waitForSocket();
  const envelopeId = `start-env-${appToken}`;
  slack.sendEnvelope({ envelope_id: envelopeId, type: 'slash_commands', accepts_response_payload: true, payload: slashCommand('GANSU', slack.responseUrl('start-sock')) });
  const ack = await slack.waitForAck(envelopeId);
  expect(JSON.stringify(ack.payload.blocks)).toContain('Getting Started');
}

/** Feishu credentials only: the long connection by default, a pushed event replied to. */
async function answersOverLongConnection(cli: string[]): Promise<void> {
  const run = start({ PORT: String(await freePort()), FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret, FEISHU_DOMAIN: feishu.origin }, cli);
  await waitFor(() => (feishu.connections > 0 ? true : undefined), 15_000).catch(() => { throw new Error(`no long connection: ${run.output()}`); });
  const event = messageEvent({ appId: FEISHU.appId, token: '', chatType: 'p2p', text: '後發追趕有哪些省？' });
  expect((await feishu.pushEvent(event)).code).toBe(200);
  const reply = await waitFor(() => feishu.delivered.find((d) => d.target === event.event.message.message_id));
  // Asked in Traditional characters, answered in them.
  expect(cardText(reply.card)).toContain('山西、河北、內蒙古');
}

describe('iiot start with Slack credentials only', () => {
  it('connects in Socket Mode by default and answers a slash command over the socket', () => answersOverSocketMode(SOURCE_CLI));
});

describe('iiot start with Feishu credentials only', () => {
  it('opens the long connection by default and replies to a pushed event', () => answersOverLongConnection(SOURCE_CLI));
});

describe('iiot start against an API that never answers', () => {
  it('gives up on Slack\'s auth.test with one line naming it, and exits non-zero', async () => {
    slack.hang('auth.test');
    const run = start({ LOG_LEVEL: 'info', API_TIMEOUT_MS: '500', SLACK_MODE: 'http', SLACK_BOT_TOKEN: 'xoxb-start-hang', SLACK_SIGNING_SECRET: SLACK_SECRET, SLACK_API_URL: slack.apiUrl, PORT: '0' });
    expect(await run.exited).toBe(1);
    expect(run.output().trim()).toBe(`iiot: Slack did not answer auth.test within 0.5 s (${slack.apiUrl}): check the network and SLACK_API_URL`);
    // What the line says is what happened: one call, given up after API_TIMEOUT_MS, not tried again.
    expect(slack.callsTo('auth.test').filter((c) => c.token === 'xoxb-start-hang')).toHaveLength(1);
  });

  it('tries auth.test again when it fails at once (a 429), within API_TIMEOUT_MS, and starts', async () => {
    slack.rateLimit('auth.test', 0, 2);
    const port = await freePort();
    const run = start({ API_TIMEOUT_MS: '5000', SLACK_MODE: 'http', SLACK_BOT_TOKEN: 'xoxb-start-429', SLACK_SIGNING_SECRET: SLACK_SECRET, SLACK_API_URL: slack.apiUrl, PORT: String(port) });
    await waitForHealth(run, port);
    expect(slack.callsTo('auth.test').filter((c) => c.token === 'xoxb-start-429')).toHaveLength(3);
  });

  it('does not wait out a Retry-After longer than API_TIMEOUT_MS: it stops at once with the reason', async () => {
    slack.rateLimit('auth.test', 60, 1);
    const run = start({ API_TIMEOUT_MS: '500', SLACK_MODE: 'http', SLACK_BOT_TOKEN: 'xoxb-start-long-429', SLACK_SIGNING_SECRET: SLACK_SECRET, SLACK_API_URL: slack.apiUrl, PORT: '0' });
    expect(await run.exited).toBe(1);
    expect(run.output().trim()).toMatch(/^iiot: Slack start-up failed .*rate/i);
    expect(slack.callsTo('auth.test').filter((c) => c.token === 'xoxb-start-long-429')).toHaveLength(1);
  });

  it('gives up on Feishu\'s tenant token with one line naming it, and exits non-zero', async () => {
    feishu.hang(/tenant_access_token/);
    const run = start({
      LOG_LEVEL: 'info', API_TIMEOUT_MS: '500', PORT: '0', FEISHU_MODE: 'webhook', FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret,
      FEISHU_ENCRYPT_KEY: FEISHU.key, FEISHU_VERIFICATION_TOKEN: FEISHU.token, FEISHU_DOMAIN: feishu.origin,
    });
    expect(await run.exited).toBe(1);
    expect(run.output().trim()).toBe(`iiot: Feishu did not answer /open-apis/auth/v3/tenant_access_token/internal within 0.5 s (${feishu.origin}): check the network and FEISHU_DOMAIN`);
    expect(feishu.callsTo(/tenant_access_token/)).toHaveLength(1); // not tried again: the line is the whole wait
  });

  it('gives up on Feishu\'s bot info the same way', async () => {
    feishu.hang(/\/bot\/v3\/info$/);
    const run = start({
      API_TIMEOUT_MS: '500', PORT: '0', FEISHU_MODE: 'webhook', FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret,
      FEISHU_ENCRYPT_KEY: FEISHU.key, FEISHU_VERIFICATION_TOKEN: FEISHU.token, FEISHU_DOMAIN: feishu.origin,
    });
    expect(await run.exited).toBe(1);
    expect(run.output().trim()).toBe(`iiot: Feishu did not answer /open-apis/bot/v3/info within 0.5 s (${feishu.origin}): check the network and FEISHU_DOMAIN`);
  });
});

describe('the built command (npm run build, then src/bin/iiot.js, as npm start and npx iiot run it)', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [fileURLToPath(new URL('../src/bin/build.mjs', import.meta.url))], { stdio: 'pipe' });
  }, 60_000);

  it('answers from dist/, with the data files found beside the compiled code, through the code cache', () => {
    // Run as npx runs it: the executable, whose first line gives Node the flags (if any) the build
    // recorded the code cache under. 胡北 is found by sound: src/core/sound-index.json, read at run
    // time, must be in dist/ too.
    const run = spawnSync(BIN, ['ask', '--lang', 'en', '胡北'], { cwd: mkdtempSync(join(tmpdir(), 'iiot-built-')), encoding: 'utf8' });
    expect(run.stdout).toContain('Hubei 湖北 · Tier: Leading the Way');
    expect(run.stderr).toBe('');
  });

  it('is started by npm start with the same Node flags as its first line gives it (the code cache is recorded under them)', () => {
    // npm start calls node itself (a flag on the shebang line would need `env -S`, which BusyBox lacks).
    const { scripts } = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { scripts: { start: string } };
    expect(scripts.start).toContain(['node', ...commandNodeFlags(), 'src/bin/iiot.js start'].join(' '));
  });

  it('still answers under a V8 flag its code cache was not recorded under, and says why that start is slower', () => {
    const run = spawnSync(process.execPath, ['--max-semi-space-size=8', ...BUILT_CLI, 'ask', '--lang', 'en', '湖北'], { cwd: mkdtempSync(join(tmpdir(), 'iiot-built-')), encoding: 'utf8' });
    expect(run.stdout).toContain('Hubei 湖北 · Tier: Leading the Way');
    expect(run.stderr.trim()).toMatch(/^iiot: V8 refused .*iiot\.cjs\.cache, .*other V8 flags.*compiled at start instead/);
  });

  it('runs under --enable-source-maps too (the bundle require()d, not compiled by the launcher), naming the TypeScript in stack traces', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'iiot-built-'));
    const out = execFileSync(process.execPath, ['--enable-source-maps', ...BUILT_CLI, 'ask', '--lang', 'en', '胡北'], { cwd, encoding: 'utf8' });
    expect(out).toContain('Hubei 湖北 · Tier: Leading the Way');
    // A configuration error thrown inside the bundle: its stack names the line of the source that throws it.
    const adapter = readFileSync(fileURLToPath(new URL('../src/platforms/slack/adapter.ts', import.meta.url)), 'utf8').split('\n');
    const line = adapter.findIndex((l) => l.includes("'SLACK_SIGNING_SECRET is missing: HTTP mode needs it'")) + 1;
    expect(line).toBeGreaterThan(0);
    const bundle = fileURLToPath(new URL('../dist/iiot.cjs', import.meta.url));
    const stack = execFileSync(process.execPath, ['--enable-source-maps', '-e', `require(${JSON.stringify(bundle)}).embedded()
      .then(({ startBot }) => startBot({ port: 0, pictures: false, slack: { mode: 'http', botToken: 'xoxb-1' } }))
      .catch((err) => console.log(err.stack))`], { cwd, encoding: 'utf8' });
    expect(stack).toMatch(new RegExp(`SLACK_SIGNING_SECRET is missing[^]*src/platforms/slack/adapter\\.ts:${line}:\\d+`));
  });

  it('draws a picture with the renderer the bundle leaves out and imports on first use', () => {
    const png = execFileSync(process.execPath, [...BUILT_CLI, 'ask', '--format', 'png', 'map'], { cwd: mkdtempSync(join(tmpdir(), 'iiot-built-')) });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('starts both platforms (their SDKs imported lazily from dist/) and answers each', () => answersBothPlatforms(BUILT_CLI));

  it('answers Slack over HTTP without ever loading Node\'s fetch (its own HTTP stack, some 12 MB)', async () => {
    // Reports, as the process exits, whether the HTTP stack behind Node's fetch was ever loaded.
    const probe = join(mkdtempSync(join(tmpdir(), 'iiot-fetch-')), 'probe.mjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write(`fetch stack loaded: ${process.moduleLoadList.includes('NativeModule internal/deps/undici/undici')}\\n`));\n");
    const port = await freePort();
    const run = start({
      PORT: String(port), SLACK_MODE: 'http', SLACK_BOT_TOKEN: 'xoxb-start-test', SLACK_SIGNING_SECRET: SLACK_SECRET, SLACK_API_URL: slack.apiUrl, PICTURES: 'off',
    }, ['--import', probe, ...BUILT_CLI]);
    await waitForHealth(run, port);
    const sender = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SLACK_SECRET);
    expect((await sender.command(slashCommand('湖北', slack.responseUrl('fetch')))).status).toBe(200);
    await sender.event(eventEnvelope({ type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> 湖北`, ts: '1700000300.000300', channel: 'C0FETCH', event_ts: '1700000300.000300' }));
    expect((await slack.waitForCall('chat.postMessage')).args).toMatchObject({ channel: 'C0FETCH' });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('fetch stack loaded: false');
  });

  // The bundle loads Bolt's Socket Mode receiver only when one is built: it must still connect.
  it('connects to Slack in Socket Mode and answers over the socket', () => answersOverSocketMode(BUILT_CLI));

  it('opens Feishu\'s long connection and replies to a pushed event', () => answersOverLongConnection(BUILT_CLI));
});
