/**
 * The Slack shapes real workspaces send (test/fakes/slack-shapes.ts names each one's source), and odd
 * signed bodies, through real Bolt over loopback: what the person sees (the reply, its thread, no
 * error after 3 s) and what the operator reads (one event line each, its outcome and reason).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/app.js';
import { handle } from '../../src/core/handle.js';
import { renderSlackAnswer } from '../../src/render/slack.js';
import { BOT_USER_ID, FakeSlack } from '../fakes/slack-api.js';
import { eventEnvelope, slashCommand, SlackSender, type SlackPost } from '../fakes/signing.js';
import { broadcastMention, fileShareDm, globalShortcut, messageShortcut, ownReplyDm, slackbotDm, staleButton } from '../fakes/slack-shapes.js';
import { jsonLogger } from '../support/logs.js';

const SECRET = 'test-signing-secret-shapes-0123';
/** Bolt answers an interaction nobody acked with a 404 after this long (PLATFORMS.md A2): "held", as opposed to acked. */
const BOLT_UNACKED_TIMEOUT_MS = 3001;

let fake: FakeSlack;
let bot: RunningBot;
let slack: SlackSender;
const log = jsonLogger('info');

beforeAll(async () => {
  fake = await FakeSlack.start();
  bot = await startBot(
    { port: 0, logLevel: 'info', pictures: false, slack: { mode: 'http', botToken: 'xoxb-shapes', signingSecret: SECRET, apiUrl: fake.apiUrl } },
    { host: '127.0.0.1', logger: log.logger },
  );
  slack = new SlackSender(`http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}/slack/events`, SECRET);
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

const json = (v: unknown) => JSON.stringify(v);
const headerOf = (blocks: any[]) => blocks.find((b) => b.type === 'header')?.text.text as string;
const eventLines = (ref: string) => log.lines().filter((l) => l.msg === 'event' && l.ref === ref);
/** The one event line for `ref`, once written (events are answered after their ack). */
const eventLine = async (ref: string) => {
  await fake.waitFor(() => (eventLines(ref).length > 0 ? true : undefined), `the event line of ${ref}`);
  expect(eventLines(ref)).toHaveLength(1);
  return eventLines(ref)[0]!;
};
/** Sends, and says whether the answer came at once or only when Bolt gave up waiting for an ack. */
const timed = async (send: () => Promise<SlackPost>) => {
  const started = performance.now();
  const res = await send();
  return { res, held: performance.now() - started >= BOLT_UNACKED_TIMEOUT_MS };
};
const noErrors = () => expect(log.lines().filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([]);

describe('shapes real workspaces send', () => {
  it('answers a broadcast thread reply that mentions the bot, in its thread, and says the tier once in the notification', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    const res = await slack.event(eventEnvelope(broadcastMention('Which tier is Henan in?', '1700004000.000200', '1700004000.000100'), 'EvBROADCAST'));
    expect(res.status).toBe(200);
    const call = await fake.waitForCall('chat.postMessage', n + 1);
    expect(call.args).toMatchObject({ channel: 'C0GENERAL', thread_ts: '1700004000.000100' });
    expect(headerOf(call.args.blocks)).toContain('Henan');
    expect(call.args.text.match(/Rapid Rise/g)).toHaveLength(1);
    expect(await eventLine('EvBROADCAST')).toMatchObject({ kind: 'mention', intent: 'region', outcome: 'answered' });
  });

  it('answers the words of a DM that carries a screenshot, in the DM', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    await slack.event(eventEnvelope(fileShareDm('湖北是哪个梯队', '1700004100.000100'), 'EvFILEWORDS'));
    const call = await fake.waitForCall('chat.postMessage', n + 1);
    expect(call.args.channel).toBe('D0DM');
    expect(call.args.thread_ts).toBeUndefined();
    expect(call.args.blocks).toEqual(renderSlackAnswer(handle({ text: '湖北是哪个梯队', platform: 'slack' })).blocks);
    expect(await eventLine('EvFILEWORDS')).toMatchObject({ kind: 'dm', intent: 'region', outcome: 'answered' });
  });

  it('sends the help card for a file without words, in the language the person writes in', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    // The DM above was written in Chinese by the same person.
    await slack.event(eventEnvelope(fileShareDm('', '1700004200.000100'), 'EvFILEONLY'));
    const call = await fake.waitForCall('chat.postMessage', n + 1);
    expect(call.args.channel).toBe('D0DM');
    expect(call.args.blocks).toEqual(renderSlackAnswer(handle({ text: 'help', platform: 'slack', lang: 'zh' })).blocks);
    expect(await eventLine('EvFILEONLY')).toMatchObject({ kind: 'dm', intent: 'help', outcome: 'answered' });
  });

  it('never answers Slackbot, another bot or its own replies, and logs each as ignored, with no message text', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    await slack.event(eventEnvelope(slackbotDm('1700004300.000100'), 'EvSLACKBOT'));
    await slack.event(eventEnvelope(ownReplyDm('1700004300.000200'), 'EvOWNREPLY'));
    // Another app's post: Slack's bot_message example (docs.slack.dev/reference/events/message/bot_message).
    await slack.event(eventEnvelope({
      type: 'message', subtype: 'bot_message', ts: '1700004300.000300', text: 'Pushing is the answer', bot_id: 'B0OTHER', username: 'github',
      icons: {}, channel: 'D0DM', event_ts: '1700004300.000300', channel_type: 'im',
    }, 'EvOTHERBOT'));
    expect(await eventLine('EvOTHERBOT')).toMatchObject({ kind: 'dm', outcome: 'ignored', reason: 'bot message' });
    expect(await eventLine('EvSLACKBOT')).toMatchObject({ level: 'info', kind: 'dm', outcome: 'ignored', reason: 'Slackbot' });
    expect(await eventLine('EvOWNREPLY')).toMatchObject({ level: 'info', kind: 'dm', outcome: 'ignored', reason: 'own message' });
    expect(log.raw()).not.toContain('You have been removed');
    expect(log.raw()).not.toContain('示范引领梯队');
    expect(log.raw()).not.toContain('Pushing is the answer');
    expect(fake.callsTo('chat.postMessage').length).toBe(n);
  });

  it('logs edits and channel messages as ignored, with the reason', async () => {
    await slack.event(eventEnvelope({
      type: 'message', subtype: 'message_changed', hidden: true, channel: 'D0DM', channel_type: 'im', ts: '1700004400.000200', event_ts: '1700004400.000200',
      message: { type: 'message', user: 'U0ASKER', text: '湖北', ts: '1700004400.000100', edited: { user: 'U0ASKER', ts: '1700004400.000200' } },
    }, 'EvEDIT'));
    await slack.event(eventEnvelope({ type: 'message', channel_type: 'channel', channel: 'C0GENERAL', user: 'U0ASKER', text: '湖北', ts: '1700004400.000300' }, 'EvCHANNEL'));
    expect(await eventLine('EvEDIT')).toMatchObject({ kind: 'dm', outcome: 'ignored', reason: 'subtype message_changed' });
    expect(await eventLine('EvCHANNEL')).toMatchObject({ kind: 'message', outcome: 'ignored', reason: 'channel message outside a thread' });
  });

  it('logs an event type it has no listener for (a subscription added in the app settings) as ignored', async () => {
    // Shape: docs.slack.dev/reference/events/member_joined_channel.
    const res = await slack.event(eventEnvelope({
      type: 'member_joined_channel', user: 'U0ASKER', channel: 'C0GENERAL', channel_type: 'C', team: 'T0TEAM', inviter: 'U0ADMIN', event_ts: '1700004450.000100',
    }, 'EvJOINED'));
    expect(res.status).toBe(200);
    expect(await eventLine('EvJOINED')).toMatchObject({ kind: 'other', outcome: 'ignored', reason: 'event type member_joined_channel: no listener' });
  });

  it('acks a stale button and shortcuts at once with 200, shows the clicker nothing, and logs each as ignored', async () => {
    const before = fake.calls.length;
    const button = await timed(() => slack.interaction(staleButton('refresh_report_v1', fake.responseUrl('stale'))));
    const global = await timed(() => slack.interaction(globalShortcut('create_task')));
    const message = await timed(() => slack.interaction(messageShortcut('quote_message', fake.responseUrl('msg-shortcut'))));
    for (const { res, held } of [button, global, message]) {
      expect(res.status).toBe(200);
      expect(held).toBe(false);
    }
    expect(await eventLine('refresh_report_v1')).toMatchObject({ kind: 'action', outcome: 'ignored', reason: 'no listener for this action_id' });
    expect(await eventLine('create_task')).toMatchObject({ kind: 'shortcut', outcome: 'ignored', reason: 'global shortcut: the bot has none' });
    expect(await eventLine('quote_message')).toMatchObject({ kind: 'shortcut', outcome: 'ignored', reason: 'message shortcut: the bot has none' });
    expect(fake.calls.length).toBe(before);
    expect(fake.responses.filter((r) => r.id === 'stale' || r.id === 'msg-shortcut')).toEqual([]);
    noErrors();
  });
});

describe('odd signed bodies', () => {
  it('refuses a slash command with `command` twice at once, with a warn line and no answer', async () => {
    const body = `${new URLSearchParams(slashCommand('湖北', fake.responseUrl('twice')))}&command=%2Fiiot`;
    const { res, held } = await timed(() => slack.post(body, 'application/x-www-form-urlencoded'));
    expect(res.status).toBe(400);
    expect(held).toBe(false);
    expect(res.text).not.toContain('湖北');
    expect(log.lines()).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'request rejected', status: 400, reason: 'form field "command" repeated' }));
    noErrors();
  });

  it('refuses an event whose type is not a string at once, with a warn line', async () => {
    const { res, held } = await timed(() => slack.event(eventEnvelope({ type: 12, user: 'U0ASKER', channel: 'C0GENERAL', ts: '1.2' }, 'EvNUMTYPE')));
    expect(res.status).toBe(400);
    expect(held).toBe(false);
    expect(log.lines()).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'request rejected', status: 400 }));
    noErrors();
  });

  it('ignores an app_mention whose text is a number or missing: acked at once, a warn line, no listener error', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    const mention = { type: 'app_mention', user: 'U0ASKER', ts: '1700004500.000100', channel: 'C0GENERAL', event_ts: '1700004500.000100' };
    const numeric = await timed(() => slack.event(eventEnvelope({ ...mention, text: 42 }, 'EvNUMTEXT')));
    const missing = await timed(() => slack.event(eventEnvelope({ ...mention, ts: '1700004500.000200' }, 'EvNOTEXT')));
    for (const { res, held } of [numeric, missing]) {
      expect(res.status).toBe(200);
      expect(held).toBe(false);
    }
    expect(await eventLine('EvNUMTEXT')).toMatchObject({ level: 'warn', kind: 'mention', outcome: 'ignored', reason: 'app_mention text is a number' });
    expect(await eventLine('EvNOTEXT')).toMatchObject({ level: 'warn', kind: 'mention', outcome: 'ignored', reason: 'app_mention text is missing' });
    // A mention that reads fine still gets its answer afterwards.
    await slack.event(eventEnvelope({ ...mention, ts: '1700004500.000300', text: `<@${BOT_USER_ID}> 湖北` }, 'EvAFTER'));
    expect(json((await fake.waitForCall('chat.postMessage', n + 1)).args.blocks)).toContain('示范引领');
    noErrors();
  });
});
