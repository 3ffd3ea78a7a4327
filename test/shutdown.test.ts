/**
 * SIGTERM as a deploy sends it, to the real `iiot start` process with Slack (HTTP) and Feishu
 * (webhook) on one port against the fake APIs: half-sent requests must not hold the process, replies
 * under way are delivered before it exits, and replies that cannot make the deadline are logged.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeFeishu, FAKE_BOT_OPEN_ID } from './fakes/feishu-api.js';
import { deliver, messageEvent } from './fakes/feishu-crypto.js';
import { eventEnvelope, SlackSender } from './fakes/signing.js';
import { BOT_USER_ID, FakeSlack } from './fakes/slack-api.js';
import { freePort, killStarted, logLines, startIiot, waitForHealth, type IiotProcess } from './support/iiot-process.js';

// Each test starts a Node process; on a loaded machine that alone can take seconds.
vi.setConfig({ testTimeout: 60_000 });

const SLACK_SECRET = 'shutdown-test-signing-secret';
const FEISHU = { appId: 'cli_a1b2c3d4e5f6c0de', secret: 'shutdown-secret', key: 'shutdown-key', token: 'shutdown-token' };

let slackApi: FakeSlack;
let feishuApi: FakeFeishu;

beforeAll(async () => {
  slackApi = await FakeSlack.start();
  feishuApi = await FakeFeishu.start();
});

afterEach(async () => {
  await killStarted();
  slackApi.clearFailures();
  feishuApi.reset();
});

afterAll(async () => {
  await slackApi?.close();
  await feishuApi?.close();
});

async function startBoth(env: Record<string, string>): Promise<{ run: IiotProcess; port: number }> {
  const port = await freePort();
  const run = startIiot({
    LOG_LEVEL: 'info', PORT: String(port),
    SLACK_MODE: 'http', SLACK_BOT_TOKEN: 'xoxb-shutdown', SLACK_SIGNING_SECRET: SLACK_SECRET, SLACK_API_URL: slackApi.apiUrl,
    FEISHU_MODE: 'webhook', FEISHU_APP_ID: FEISHU.appId, FEISHU_APP_SECRET: FEISHU.secret,
    FEISHU_ENCRYPT_KEY: FEISHU.key, FEISHU_VERIFICATION_TOKEN: FEISHU.token, FEISHU_DOMAIN: feishuApi.origin,
    ...env,
  });
  await waitForHealth(run, port);
  return { run, port };
}

/** A raw connection that sends `bytes` and then nothing more; resolves once they are written. */
function halfSent(port: number, bytes: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes, () => resolve(socket)));
    socket.on('error', reject);
    socket.resume(); // read (and drop) whatever comes back, so the end of the connection is seen
  });
}

const closed = (socket: Socket) => new Promise<void>((resolve) => {
  if (socket.destroyed) resolve();
  else socket.once('close', () => resolve());
});

let ts = 1_700_200_000;
function slackMention(channel: string, region = '湖北') {
  const t = `${++ts}.000100`;
  return eventEnvelope({ type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> ${region}`, ts: t, channel, event_ts: t });
}

function feishuMention(region = '湖北', chatId?: string) {
  return messageEvent({ appId: FEISHU.appId, token: FEISHU.token, chatType: 'group', text: `@_user_1 ${region}`, chatId, mentions: [{ key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' }] });
}

describe('SIGTERM', () => {
  it('exits 0 at once with half-sent requests and idle connections open, closing them', async () => {
    // A deadline longer than the test's timeout: the process must not wait for it.
    const { run, port } = await startBoth({ SHUTDOWN_TIMEOUT_MS: '120000' });
    const sockets = await Promise.all([
      halfSent(port, 'POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Ty'), // slow headers
      halfSent(port, 'POST /feishu/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"encrypt":"'), // stalled body
      halfSent(port, 'GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n'), // answered, then idle (keep-alive)
    ]);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    await Promise.all(sockets.map(closed));
    expect(logLines(run).map((l) => l.msg)).toContain('stopped');
  });

  it('delivers the Slack and Feishu replies under way (slow API), then exits 0', async () => {
    const { run, port } = await startBoth({ SHUTDOWN_TIMEOUT_MS: '30000' });
    slackApi.delays.set('chat.postMessage', 6000);
    feishuApi.sendDelayMs = 6000; // longer than the 5 s the bot once waited for Feishu replies
    const slack = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SLACK_SECRET);
    expect((await slack.event(slackMention('C0INFLIGHT'))).status).toBe(200);
    const feishuEvent = feishuMention();
    expect((await deliver(`http://127.0.0.1:${port}/feishu/events`, feishuEvent, { encryptKey: FEISHU.key })).status).toBe(200);
    // Both replies are on the wire, and the fakes are sitting on them.
    await slackApi.waitFor(() => (slackApi.openRequestCount >= 1 && feishuApi.openRequestCount >= 1 ? true : undefined), 'both replies in flight', 10_000);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(slackApi.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0INFLIGHT').map((c) => c.result?.ok)).toEqual([true]);
    expect(feishuApi.delivered.filter((d) => d.target === feishuEvent.event.message.message_id)).toHaveLength(1);
    expect(logLines(run).filter((l) => l.level === 'error')).toEqual([]);
  });

  it('logs each reply that cannot make the shutdown deadline once, then exits 0 at the deadline', async () => {
    const { run, port } = await startBoth({ SHUTDOWN_TIMEOUT_MS: '1500', API_TIMEOUT_MS: '600000' });
    slackApi.hang('chat.postMessage');
    feishuApi.hang(/\/reply$/);
    const slack = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SLACK_SECRET);
    await slack.event(slackMention('C0HUNG'));
    const feishuEvent = feishuMention();
    await deliver(`http://127.0.0.1:${port}/feishu/events`, feishuEvent, { encryptKey: FEISHU.key });
    await slackApi.waitFor(() => (slackApi.openRequestCount >= 1 && feishuApi.openRequestCount >= 1 ? true : undefined), 'both replies in flight', 10_000);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const errors = logLines(run).filter((l) => l.level === 'error').map((l) => l.msg);
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/slack: chat\.postMessage to C0HUNG failed: no answer from the API by the shutdown deadline$/),
      expect.stringMatching(new RegExp(`feishu: reply to ${feishuEvent.event.message.message_id} failed: no answer from the API by the shutdown deadline$`)),
    ]));
  });

  it('with pictures still on their way, each card either gets its picture or one line saying why not', async () => {
    // A deadline shorter than drawing six maps: some pictures are cut by it.
    const { run, port } = await startBoth({ SHUTDOWN_TIMEOUT_MS: '500' });
    const regions = ['湖北', '西藏', '青海', '广东', '江苏', '四川'];
    const slack = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SLACK_SECRET);
    const slackEvents = regions.map((r, i) => slackMention(`C0PIC${i}`, r));
    const feishuEvents = regions.map((r, i) => feishuMention(r, `oc_pictures${i}`));
    await Promise.all([
      ...slackEvents.map((e) => slack.event(e)),
      ...feishuEvents.map((e) => deliver(`http://127.0.0.1:${port}/feishu/events`, e, { encryptKey: FEISHU.key })),
    ]);
    // Every card is out (each event's line says answered): only pictures are still under way.
    await slackApi.waitFor(() => (logLines(run).filter((l) => l.msg === 'event' && l.outcome === 'answered').length === 12 ? true : undefined), 'all 12 cards', 20_000);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const errors = logLines(run).filter((l) => l.level === 'error').map((l) => l.msg as string);
    let lines = 0;
    /**
     * A card without its picture has exactly one line; one with it, none, unless the call that brought
     * it was still unanswered at the deadline (the bot cannot know it arrived, and says so).
     */
    const expectAccounted = (needle: string, pictured: boolean) => {
      const about = errors.filter((m) => m.includes(needle));
      if (!pictured) expect(about).toHaveLength(1);
      else {
        expect(about.length).toBeLessThanOrEqual(1);
        for (const m of about) expect(m).toMatch(/no answer from the API by the shutdown deadline$/);
      }
      lines += about.length;
    };
    for (const e of feishuEvents) {
      const card = feishuApi.delivered.find((d) => d.target === e.event.message.message_id)!;
      expectAccounted(`picture for ${card.messageId} `, feishuApi.patched.some((p) => p.messageId === card.messageId));
    }
    for (const e of slackEvents) {
      const { channel, ts: thread } = e.event as { channel: string; ts: string };
      expectAccounted(`picture for thread ${thread}`, [...slackApi.files.values()].some((f) => f.channel === channel && f.completed));
    }
    // Every error line is one of those, each naming the shutdown deadline as its reason.
    expect(errors).toHaveLength(lines);
    for (const m of errors) expect(m).toMatch(/shutdown deadline/);
    expect(errors.join('\n')).not.toMatch(/within 60 s/);
  });
});
