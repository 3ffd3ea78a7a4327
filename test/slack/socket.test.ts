/**
 * Socket Mode, end to end: the fake Web API answers apps.connections.open with a ws:// URL of its own
 * WebSocket server, which says hello and then pushes envelopes as Slack does; acks come back over it.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/app.js';
import { ConfigError } from '../../src/infra/config.js';
import { SHARE_ACTION_ID } from '../../src/render/slack.js';
import { BOT_USER_ID, blockKitViolations, FakeSlack } from '../fakes/slack-api.js';
import { eventEnvelope, slashCommand } from '../fakes/signing.js';
import { broadcastMention, globalShortcut, slackbotDm, staleButton } from '../fakes/slack-shapes.js';
import { jsonLogger, quietLogger } from '../support/logs.js';

const json = (v: unknown) => JSON.stringify(v);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let fake: FakeSlack;
let bot: RunningBot;
const log = jsonLogger('info');

beforeAll(async () => {
  fake = await FakeSlack.start();
  bot = await startBot(
    { port: 0, logLevel: 'info', slack: { mode: 'socket', botToken: 'xoxb-socket', appToken: 'xapp-1-socket', apiUrl: fake.apiUrl } },
    { host: '127.0.0.1', logger: log.logger },
  );
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('Socket Mode', () => {
  it('connects with the app-level token and opens no Slack route', async () => {
    await fake.waitForSocket();
    const open = fake.callsTo('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0].token).toBe('xapp-1-socket');
    expect(fake.callsTo('auth.test')[0].token).toBe('xoxb-socket');
    // The port serves only the operator endpoints.
    const origin = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}`;
    expect((await fetch(`${origin}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
  });

  it('acks a slash command envelope with the ephemeral card', async () => {
    fake.sendEnvelope({
      envelope_id: 'env-cmd-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: slashCommand('湖北', fake.responseUrl('sock-cmd')),
    });
    const ack = await fake.waitForAck('env-cmd-1');
    expect(ack.payload.response_type).toBe('ephemeral');
    expect(ack.payload.blocks.find((b: any) => b.type === 'header').text.text).toContain('湖北');
    expect(json(ack.payload.blocks)).toContain('示范引领');
    expect(ack.payload.text).toContain('湖北');
    expect(json(ack.payload.blocks)).toContain(SHARE_ACTION_ID);
    expect(blockKitViolations(ack.payload.blocks)).toEqual([]);
  });

  it('answers a mention once, even when Slack re-sends it with retry_attempt', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    const body = eventEnvelope({
      type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> compare beijing shanghai`, ts: '1700002000.000100',
      channel: 'C0GENERAL', event_ts: '1700002000.000100',
    }, 'EvSOCK1');
    fake.sendEnvelope({ envelope_id: 'env-ev-1', type: 'events_api', accepts_response_payload: false, retry_attempt: 0, retry_reason: '', payload: body });
    fake.sendEnvelope({ envelope_id: 'env-ev-2', type: 'events_api', accepts_response_payload: false, retry_attempt: 1, retry_reason: 'timeout', payload: body });
    await fake.waitForAck('env-ev-1');
    await fake.waitForAck('env-ev-2');
    const call = await fake.waitForCall('chat.postMessage', n + 1);
    expect(call.token).toBe('xoxb-socket');
    expect(call.args).toMatchObject({ channel: 'C0GENERAL', thread_ts: '1700002000.000100' });
    expect(json(call.args.blocks)).toContain('北京');
    expect(json(call.args.blocks)).toContain('上海');
    await sleep(200);
    expect(fake.callsTo('chat.postMessage').length).toBe(n + 1);
  });

  it('acks a button click and updates the card', async () => {
    const u = fake.callsTo('chat.update').length;
    fake.sendEnvelope({
      envelope_id: 'env-act-1',
      type: 'interactive',
      accepts_response_payload: false,
      payload: {
        type: 'block_actions', user: { id: 'U0ASKER', username: 'asker', team_id: 'T0TEAM' }, api_app_id: 'A0APP', token: 't',
        trigger_id: '1.2.3', team: { id: 'T0TEAM', domain: 'fake' }, response_url: fake.responseUrl('sock-act'),
        container: { type: 'message', message_ts: '1700002100.000100', channel_id: 'C0GENERAL', is_ephemeral: false },
        channel: { id: 'C0GENERAL', name: 'general' }, message: { type: 'message', ts: '1700002100.000100', text: 'card' },
        actions: [{ type: 'button', action_id: 'iiot:0', block_id: 'b', value: 'tier nascent --lang en', text: { type: 'plain_text', text: 'x' }, action_ts: '1' }],
      },
    });
    await fake.waitForAck('env-act-1');
    const update = await fake.waitForCall('chat.update', u + 1);
    expect(update.args).toMatchObject({ channel: 'C0GENERAL', ts: '1700002100.000100' });
    expect(json(update.args.blocks)).toContain('Getting Started');
  });
});

describe('Socket Mode: the shapes real workspaces send (test/fakes/slack-shapes.ts)', () => {
  const eventLine = async (ref: string) => {
    await fake.waitFor(() => log.lines().find((l) => l.msg === 'event' && l.ref === ref), `the event line of ${ref}`);
    return log.lines().filter((l) => l.msg === 'event' && l.ref === ref);
  };

  it('answers a broadcast mention in its thread, and never Slackbot', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    fake.sendEnvelope({ envelope_id: 'env-bot-1', type: 'events_api', accepts_response_payload: false, payload: eventEnvelope(slackbotDm('1700002200.000100'), 'EvSOCKSLACKBOT') });
    fake.sendEnvelope({
      envelope_id: 'env-bc-1', type: 'events_api', accepts_response_payload: false,
      payload: eventEnvelope(broadcastMention('湖北', '1700002200.000300', '1700002200.000200'), 'EvSOCKBROADCAST'),
    });
    await fake.waitForAck('env-bot-1');
    const call = await fake.waitForCall('chat.postMessage', n + 1);
    expect(call.args).toMatchObject({ channel: 'C0GENERAL', thread_ts: '1700002200.000200' });
    expect(json(call.args.blocks)).toContain('示范引领');
    expect(await eventLine('EvSOCKSLACKBOT')).toEqual([expect.objectContaining({ outcome: 'ignored', reason: 'Slackbot' })]);
    await sleep(100);
    expect(fake.callsTo('chat.postMessage').length).toBe(n + 1);
  });

  it('acks a stale button and a shortcut, and ignores a mention whose text is a number, with a warn line and no listener error', async () => {
    fake.sendEnvelope({ envelope_id: 'env-stale-1', type: 'interactive', accepts_response_payload: false, payload: staleButton('old_refresh', fake.responseUrl('sock-stale')) });
    fake.sendEnvelope({ envelope_id: 'env-sc-1', type: 'interactive', accepts_response_payload: true, payload: globalShortcut('sock_shortcut') });
    fake.sendEnvelope({
      envelope_id: 'env-num-1', type: 'events_api', accepts_response_payload: false,
      payload: eventEnvelope({ type: 'app_mention', user: 'U0ASKER', text: 7, ts: '1700002300.000100', channel: 'C0GENERAL', event_ts: '1700002300.000100' }, 'EvSOCKNUM'),
    });
    await fake.waitForAck('env-stale-1');
    await fake.waitForAck('env-sc-1');
    await fake.waitForAck('env-num-1');
    expect(await eventLine('old_refresh')).toEqual([expect.objectContaining({ kind: 'action', outcome: 'ignored' })]);
    expect(await eventLine('sock_shortcut')).toEqual([expect.objectContaining({ kind: 'shortcut', outcome: 'ignored' })]);
    expect(await eventLine('EvSOCKNUM')).toEqual([expect.objectContaining({ level: 'warn', outcome: 'ignored', reason: 'app_mention text is a number' })]);
    expect(log.lines().filter((l) => l.level === 'error')).toEqual([]);
  });
});

describe('start-up errors', () => {
  it('names SLACK_BOT_TOKEN when Slack rejects it', async () => {
    const other = await FakeSlack.start();
    other.fail('auth.test', 'invalid_auth');
    try {
      const attempt = startBot(
        { port: 0, logLevel: 'error', slack: { mode: 'socket', botToken: 'xoxb-bad', appToken: 'xapp-1-x', apiUrl: other.apiUrl } },
        { logger: quietLogger },
      );
      await expect(attempt).rejects.toThrow(ConfigError);
      await expect(attempt).rejects.toThrow(/SLACK_BOT_TOKEN.*invalid_auth/);
      expect(other.callsTo('apps.connections.open')).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('names SLACK_APP_TOKEN when Slack rejects it', async () => {
    const other = await FakeSlack.start();
    other.fail('apps.connections.open', 'invalid_auth');
    try {
      const attempt = startBot(
        { port: 0, logLevel: 'error', slack: { mode: 'socket', botToken: 'xoxb-ok', appToken: 'xapp-1-bad', apiUrl: other.apiUrl } },
        { logger: quietLogger },
      );
      await expect(attempt).rejects.toThrow(/SLACK_APP_TOKEN.*invalid_auth/);
    } finally {
      await other.close();
    }
  });
});
