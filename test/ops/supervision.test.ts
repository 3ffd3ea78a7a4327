/**
 * The long connections, supervised: a connection that drops or stops answering pings is noticed,
 * logged, and replaced, `/readyz` says not ready while it is down, and the bot answers again after.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/app.js';
import { converse, overview } from '../../src/core/handle.js';
import { MemoryStore } from '../../src/infra/store.js';
import { createFeishuAdapter, type FeishuAdapter } from '../../src/platforms/feishu/adapter.js';
import { FakeFeishu } from '../fakes/feishu-api.js';
import { messageEvent } from '../fakes/feishu-crypto.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { slashCommand } from '../fakes/signing.js';
import { jsonLogger } from '../support/logs.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function until<T>(what: string, pick: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await pick();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const readyz = async (origin: string) => {
  const res = await fetch(`${origin}/readyz`);
  return { status: res.status, body: await res.json() };
};

describe('Slack Socket Mode', () => {
  it('notices a dropped socket, reports not ready, reconnects, and answers again', async () => {
    const slack = await FakeSlack.start();
    cleanup.push(() => slack.close());
    const log = jsonLogger('info');
    const bot: RunningBot = await startBot(
      { port: 0, logLevel: 'info', slack: { mode: 'socket', botToken: 'xoxb-sup', appToken: 'xapp-1-sup', apiUrl: slack.apiUrl } },
      { host: '127.0.0.1', logger: log.logger },
    );
    cleanup.push(() => bot.stop());
    const origin = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}`;
    expect((await readyz(origin)).status).toBe(200);
    const opens = slack.callsTo('apps.connections.open').length;

    slack.dropSockets();
    const down = await until('/readyz to say not ready', async () => {
      const r = await readyz(origin);
      return r.status === 503 ? r : undefined;
    });
    expect(down.body).toEqual({ ready: false, reasons: ['slack: Socket Mode connection down, reconnecting'] });
    expect(log.lines().filter((l) => /Socket Mode connection lost/.test(l.msg))).toEqual([expect.objectContaining({ level: 'warn' })]);

    await until('/readyz to say ready again', async () => ((await readyz(origin)).status === 200 ? true : undefined));
    expect(slack.callsTo('apps.connections.open').length).toBe(opens + 1);
    expect(log.lines().some((l) => l.msg === 'slack: Socket Mode connected')).toBe(true);
    slack.sendEnvelope({ envelope_id: 'sup-1', type: 'slash_commands', accepts_response_payload: true, payload: slashCommand('湖北', slack.responseUrl('sup')) });
    expect(JSON.stringify((await slack.waitForAck('sup-1')).payload.blocks)).toContain('湖北');
  }, 60_000);
});

describe('Feishu long connection', () => {
  async function connect(appId: string) {
    const feishu = await FakeFeishu.start();
    cleanup.push(() => feishu.close());
    feishu.pingIntervalSec = 3;
    const log = jsonLogger('info');
    const adapter: FeishuAdapter = createFeishuAdapter(
      { mode: 'ws', appId, appSecret: 'sup-secret', domain: feishu.origin },
      { converse, overview, store: new MemoryStore(), logger: log.logger },
      // Pings every 3 s, a 2 s watchdog (it must be shorter than the interval: each ping re-arms it).
      { pingTimeoutSec: 2, restartDelayMs: 300 },
    );
    await adapter.start();
    cleanup.push(() => adapter.stop());
    expect(adapter.notReady()).toBeUndefined();
    return { feishu, adapter, log };
  }

  async function answersAgain(feishu: FakeFeishu, adapter: FeishuAdapter, appId: string) {
    await until('the connection to come back', () => (adapter.notReady() === undefined && feishu.connections === 1 ? true : undefined));
    const ev = messageEvent({ appId, token: '', chatType: 'p2p', text: '湖北' });
    expect((await feishu.pushEvent(ev)).code).toBe(200);
    await adapter.idle();
    expect(feishu.delivered.map((d) => d.target)).toContain(ev.event.message.message_id);
  }

  it('notices a connection that stops answering pings (ping timeout), logs it, and replaces it', async () => {
    const appId = 'cli_a1b2c3d4e5f6e001';
    const { feishu, adapter, log } = await connect(appId);
    const endpointCalls = feishu.callsTo(/\/callback\/ws\/endpoint$/).length;
    feishu.silenceConnections();
    // Noticed and logged. The reconnect follows at once, so the time it is down is too short to
    // catch with /readyz here; the next test holds the connection down.
    await until('the drop to be noticed', () => log.lines().find((l) => l.msg === 'feishu: long connection lost, reconnecting'));
    // The new connection pings rarely, so a loaded test machine cannot trip the watchdog again.
    feishu.pingIntervalSec = 120;
    await answersAgain(feishu, adapter, appId);
    expect(feishu.callsTo(/\/callback\/ws\/endpoint$/).length).toBeGreaterThan(endpointCalls);
    expect(log.lines().some((l) => l.msg === 'feishu: long connection re-established')).toBe(true);
  }, 60_000);

  it('opens a new client when WSClient gives up reconnecting, and logs why', async () => {
    const appId = 'cli_a1b2c3d4e5f6e002';
    const { feishu, adapter, log } = await connect(appId);
    feishu.wsEndpointCode = 403; // refused: WSClient stops trying
    feishu.dropConnections();
    await until('WSClient to give up', () => log.lines().find((l) => /long connection gave up/.test(l.msg)));
    // Down, and staying down while Feishu refuses: not ready.
    expect(adapter.notReady()).toBe('long connection down, reconnecting');
    expect(log.lines().filter((l) => l.msg === 'feishu: long connection lost, reconnecting')).toHaveLength(1);
    feishu.wsEndpointCode = undefined;
    await answersAgain(feishu, adapter, appId);
  }, 60_000);
});
