/**
 * The Slack bot in HTTP mode, end to end: real Bolt behind the app's shared HTTP server on 127.0.0.1,
 * correctly signed requests in Slack's formats, and a fake Slack Web API that records what users see.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/app.js';
import { converse, handle, overview } from '../../src/core/handle.js';
import { MemoryStore } from '../../src/infra/store.js';
import { startHttpServer } from '../../src/infra/http-server.js';
import { createSlackAdapter } from '../../src/platforms/slack/adapter.js';
import { renderSlackAnswer, renderSlackHome, SHARE_ACTION_ID, HOME_ACTION_ID } from '../../src/render/slack.js';
import { BOT_USER_ID, blockKitViolations, FakeSlack } from '../fakes/slack-api.js';
import { blockActions, eventEnvelope, slashCommand, SlackSender } from '../fakes/signing.js';
import { capturingLogger, jsonLogger, type LogLine } from '../support/logs.js';

const SECRET = 'test-signing-secret-0123456789';
const TOKEN = 'xoxb-test-token';

let fake: FakeSlack;
let bot: RunningBot;
let slack: SlackSender;
let origin: string;
const logs: LogLine[] = [];
const captureLogger = () => capturingLogger(logs);

beforeAll(async () => {
  fake = await FakeSlack.start();
  bot = await startBot(
    // Text cards only: the picture flows have their own suite (pictures.test.ts).
    { port: 0, logLevel: 'error', pictures: false, slack: { mode: 'http', botToken: TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl } },
    { host: '127.0.0.1', logger: captureLogger() },
  );
  origin = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}`;
  slack = new SlackSender(`${origin}/slack/events`, SECRET);
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

afterEach(() => fake.clearFailures());

const json = (v: unknown) => JSON.stringify(v);
const buttons = (blocks: any[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);
const headerOf = (blocks: any[]) => blocks.find((b) => b.type === 'header')?.text.text as string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A person's direct message to the bot, as the Events API delivers it. */
const directMessage = (text: string, ts: string) =>
  slack.event(eventEnvelope({ type: 'message', channel_type: 'im', channel: 'D0DM', user: 'U0ASKER', text, ts, event_ts: ts }));

/** What the core answers for `text`, rendered as a user sees it (the reference for equality checks). */
const expected = (text: string, share?: string) => renderSlackAnswer(handle({ text, platform: 'slack' }), { share });

describe('start-up and plumbing', () => {
  it('verifies the bot token with auth.test against SLACK_API_URL', () => {
    const auth = fake.callsTo('auth.test');
    expect(auth).toHaveLength(1);
    expect(auth[0].token).toBe(TOKEN);
  });

  it('answers Slack url_verification with the challenge', async () => {
    const res = await slack.event({ token: 't', challenge: 'c-123', type: 'url_verification' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ challenge: 'c-123' });
  });

  it('serves GET /healthz next to /slack/events, and does not fall over on GET /slack/events', async () => {
    expect(await (await fetch(`${origin}/healthz`)).text()).toBe('ok');
    expect((await fetch(`${origin}/slack/events`)).status).toBe(405);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('answers ssl_check, which Slack sends unsigned, and lets nothing else through unsigned with it', async () => {
    expect((await slack.command({ ssl_check: '1', token: 't' })).status).toBe(200);
    const unsigned = (body: string) => fetch(slack.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const probe = await unsigned('ssl_check=1&token=t');
    expect(probe.status).toBe(200);
    expect(await probe.text()).toBe('');
    const before = fake.calls.length;
    const smuggled = new URLSearchParams({ ssl_check: '1', ...slashCommand('湖北', fake.responseUrl('smuggled')) }).toString();
    expect((await unsigned(smuggled)).status).toBe(401);
    expect((await unsigned('ssl_check=true&token=t')).status).toBe(401);
    await sleep(100);
    expect(fake.calls.length).toBe(before);
  });
});

describe('signatures', () => {
  it('rejects a forged signature with 401 and answers nothing', async () => {
    const before = fake.calls.length;
    const res = await slack.command(slashCommand('湖北', fake.responseUrl('forged')), { signature: `v0=${'0'.repeat(64)}` });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('湖北');
    const signedWithOtherSecret = new SlackSender(slack.url, 'another-secret-abcdefgh');
    expect((await signedWithOtherSecret.event(eventEnvelope({ type: 'app_mention', user: 'U1', text: `<@${BOT_USER_ID}> 湖北`, ts: '1.1', channel: 'C1', event_ts: '1.1' }))).status).toBe(401);
    await sleep(100);
    expect(fake.calls.length).toBe(before);
  });

  it('accepts a form body whose content type carries a charset, as some proxies and clients send it', async () => {
    const body = new URLSearchParams(slashCommand('湖北', fake.responseUrl('charset'))).toString();
    const res = await slack.post(body, 'application/x-www-form-urlencoded; charset=utf-8');
    expect(res.status).toBe(200);
    expect(json(res.json().blocks)).toContain('示范引领');
    const forged = await slack.post(body, 'application/x-www-form-urlencoded; charset=utf-8', { signature: `v0=${'1'.repeat(64)}` });
    expect(forged.status).toBe(401);
  });

  it('rejects a stale timestamp (older than 5 minutes) with 401, even when correctly signed', async () => {
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await slack.command(slashCommand('湖北', fake.responseUrl('stale')), { timestamp: stale });
    expect(res.status).toBe(401);
  });

  it('rejects a timestamp more than 5 minutes ahead (a request signed for replay later), and a missing one', async () => {
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    const res = await slack.command(slashCommand('湖北', fake.responseUrl('future')), { timestamp: future });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('湖北');
    const body = new URLSearchParams(slashCommand('湖北', fake.responseUrl('no-ts'))).toString();
    const unsigned = await slack.post(body, 'application/x-www-form-urlencoded', { headers: { 'x-slack-request-timestamp': '' } });
    expect(unsigned.status).toBe(401);
    // A clock a little ahead of this one is still Slack's.
    const ahead = await slack.command(slashCommand('湖北', fake.responseUrl('ahead')), { timestamp: Math.floor(Date.now() / 1000) + 60 });
    expect(ahead.status).toBe(200);
  });
});

describe('/iiot', () => {
  it('answers in the acknowledgement itself: ephemeral, the region card, a Share button, no extra API call', async () => {
    const before = fake.calls.length;
    const res = await slack.command(slashCommand('湖北', fake.responseUrl('s1')));
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.response_type).toBe('ephemeral');
    expect(headerOf(body.blocks)).toContain('湖北');
    expect(json(body.blocks)).toContain('示范引领');
    expect(body.text).toContain('湖北');
    expect(blockKitViolations(body.blocks)).toEqual([]);
    const share = buttons(body.blocks).find((b: any) => b.action_id === SHARE_ACTION_ID);
    expect(share).toMatchObject({ value: '湖北', text: { text: '分享到频道' } });
    expect(fake.calls.length).toBe(before);
    expect(fake.responses.filter((r) => r.id === 's1')).toEqual([]);
  });

  it('replies in the language of the question', async () => {
    const body = (await slack.command(slashCommand('what tier is Hubei in', fake.responseUrl('s2')))).json();
    expect(headerOf(body.blocks)).toContain('Hubei');
    expect(json(body.blocks)).toContain('Leading the Way');
    expect(json(body.blocks)).not.toContain('示范引领');
    expect(buttons(body.blocks).find((b: any) => b.action_id === SHARE_ACTION_ID)?.text.text).toBe('Share in channel');
  });

  it('gives the help card for `/iiot` alone and for `/iiot help`', async () => {
    // Someone the bot has not heard from: no remembered language, so Slack's default, English.
    const empty = (await slack.command(slashCommand('', fake.responseUrl('h1'), { user_id: 'U0FIRSTTIME' }))).json();
    const help = (await slack.command(slashCommand('help', fake.responseUrl('h2')))).json();
    expect(handle({ text: 'help', platform: 'slack' }).intent).toBe('help');
    expect(handle({ text: '', platform: 'slack' }).intent).toBe('help');
    expect(help.blocks).toEqual(expected('help', 'help').blocks);
    // A bare /iiot has no language of its own: Share keeps the one it was answered in.
    expect(empty.blocks).toEqual(renderSlackAnswer(handle({ text: '', platform: 'slack', fallbackLang: 'en' }), { share: 'help --lang en' }).blocks);
  });

  it('never lets a typed <!channel> or <@U…> ping anyone', async () => {
    const body = (await slack.command(slashCommand('<!channel> <!here> <@U0SOMEONE> 湖北 & <b>', fake.responseUrl('esc')))).json();
    // Button values are never displayed (the Share button carries the raw question back to us).
    const all = JSON.stringify(body, (key, v) => (key === 'value' ? undefined : v));
    for (const raw of ['<!channel>', '<!here>', '<@U0SOMEONE>', '<b>']) expect(all).not.toContain(raw);
    expect(blockKitViolations(body.blocks)).toEqual([]);
  });

  it('Share in channel posts the same card publicly through response_url, then deletes the private copy', async () => {
    const ack = (await slack.command(slashCommand('湖北', fake.responseUrl('unused')))).json();
    const share = buttons(ack.blocks).find((b: any) => b.action_id === SHARE_ACTION_ID);
    const res = await slack.interaction(blockActions({
      actionId: share.action_id, value: share.value, responseUrl: fake.responseUrl('share'),
      message: { channel: 'C0GENERAL', ts: '1700000000.000001', ephemeral: true },
    }));
    expect(res.status).toBe(200);
    const posted = await fake.waitForResponse('share', 1);
    const deleted = await fake.waitForResponse('share', 2);
    expect(posted.body).toMatchObject({ response_type: 'in_channel', replace_original: false });
    // The public copy is the same card, minus the Share button.
    expect(posted.body.blocks).toEqual(expected('湖北').blocks);
    expect(ack.blocks.filter((b: any) => b.type !== 'actions')).toEqual(posted.body.blocks.filter((b: any) => b.type !== 'actions'));
    expect(buttons(posted.body.blocks).some((b: any) => b.action_id === SHARE_ACTION_ID)).toBe(false);
    expect(posted.body.text).toContain('湖北');
    expect(deleted.body).toEqual({ delete_original: true });
  });

  it('a card button on the private answer updates it in place and keeps Share', async () => {
    const ack = (await slack.command(slashCommand('湖北', fake.responseUrl('unused2')))).json();
    const action = buttons(ack.blocks).find((b: any) => b.action_id !== SHARE_ACTION_ID);
    expect(action).toBeDefined();
    await slack.interaction(blockActions({
      actionId: action.action_id, value: action.value, responseUrl: fake.responseUrl('eph-click'),
      message: { channel: 'C0GENERAL', ts: '1700000000.000002', ephemeral: true },
    }));
    const updated = await fake.waitForResponse('eph-click');
    expect(updated.body.replace_original).toBe(true);
    expect(updated.body.blocks).toEqual(expected(action.value, action.value).blocks);
    expect(buttons(updated.body.blocks).find((b: any) => b.action_id === SHARE_ACTION_ID)?.value).toBe(action.value);
  });
});

describe('@mentions and DMs', () => {
  it('answers an @mention in the thread of the mention', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    await slack.event(eventEnvelope({
      type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> 湖北是哪个梯队`, ts: '1700000100.000100',
      channel: 'C0GENERAL', event_ts: '1700000100.000100', team: 'T0TEAM',
    }));
    const call = await fake.waitForCall('chat.postMessage', n + 1);
    expect(call.token).toBe(TOKEN);
    expect(call.args).toMatchObject({ channel: 'C0GENERAL', thread_ts: '1700000100.000100' });
    expect(headerOf(call.args.blocks)).toContain('湖北');
    expect(json(call.args.blocks)).toContain('示范引领');
    expect(json(call.args.blocks)).not.toContain(BOT_USER_ID);
    expect(call.args.text).toBeTruthy();
  });

  it('keeps a mention inside a thread in that thread', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    await slack.event(eventEnvelope({
      type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> tiers`, ts: '1700000200.000200',
      thread_ts: '1700000199.000199', channel: 'C0GENERAL', event_ts: '1700000200.000200',
    }));
    const call = await fake.waitForCall('chat.postMessage', n + 1);
    expect(call.args.thread_ts).toBe('1700000199.000199');
  });

  it('answers a direct message in the DM, in English when asked in English', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    await directMessage('Which tier is Yunnan in?', '1700000300.000300');
    const call = await fake.waitForCall('chat.postMessage', n + 1);
    expect(call.args.channel).toBe('D0DM');
    expect(call.args.thread_ts).toBeUndefined();
    expect(headerOf(call.args.blocks)).toContain('Yunnan');
    expect(json(call.args.blocks)).toContain('Catching Up');
    expect(call.args.blocks).toEqual(expected('Which tier is Yunnan in?').blocks);
  });

  it('echoes no <!channel> from a DM', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    await directMessage('<!channel> xyzzy <!everyone>', '1700000350.000350');
    const call = await fake.waitForCall('chat.postMessage', n + 1);
    expect(json(call.args)).not.toMatch(/<!channel>|<!everyone>/);
  });

  it('reads Slack\'s &amp; &lt; &gt; entities as what was typed, and escapes them once on the way out', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    await directMessage('北京 &amp; 上海', '1700000360.000360');
    const compare = await fake.waitForCall('chat.postMessage', n + 1);
    expect(headerOf(compare.args.blocks)).toBe('对比：北京、上海');
    await directMessage('xyzzy &lt;b&gt; &amp; co', '1700000370.000370');
    const unknown = await fake.waitForCall('chat.postMessage', n + 2);
    expect(json(unknown.args.blocks)).toContain('xyzzy &lt;b&gt; &amp; co');
    expect(json(unknown.args.blocks)).not.toContain('&amp;lt;');
  });

  it('never answers bots, itself, edits or other message subtypes', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    const dm = { type: 'message', channel_type: 'im', channel: 'D0DM', text: '湖北' };
    await slack.event(eventEnvelope({ ...dm, subtype: 'bot_message', bot_id: 'B0OTHER', ts: '1700000400.000001' }));
    await slack.event(eventEnvelope({ ...dm, user: 'U0OTHERBOT', bot_id: 'B0OTHER', ts: '1700000400.000002' }));
    await slack.event(eventEnvelope({ ...dm, user: BOT_USER_ID, ts: '1700000400.000003' }));
    await slack.event(eventEnvelope({ ...dm, subtype: 'message_changed', ts: '1700000400.000004', message: { text: '湖北', user: 'U0ASKER', ts: '1700000400.000000' } }));
    await slack.event(eventEnvelope({ type: 'message', channel_type: 'channel', channel: 'C0GENERAL', user: 'U0ASKER', text: '湖北', ts: '1700000400.000005' }));
    await slack.event(eventEnvelope({ type: 'app_mention', user: 'U0OTHERBOT', bot_id: 'B0OTHER', text: `<@${BOT_USER_ID}> 湖北`, ts: '1700000400.000006', channel: 'C0GENERAL', event_ts: '1700000400.000006' }));
    // A sentinel that must be answered, so we know the ones before it were processed and ignored.
    await slack.event(eventEnvelope({ ...dm, user: 'U0ASKER', ts: '1700000400.000007' }));
    const call = await fake.waitForCall('chat.postMessage', n + 1);
    await sleep(150);
    expect(fake.callsTo('chat.postMessage').length).toBe(n + 1);
    expect(call.args.channel).toBe('D0DM');
  });
});

describe('retries', () => {
  it('answers a retried event (X-Slack-Retry-Num) once', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    const envelope = eventEnvelope({
      type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> 湖北`, ts: '1700000500.000500', channel: 'C0GENERAL', event_ts: '1700000500.000500',
    }, 'EvRETRY1');
    expect((await slack.event(envelope)).status).toBe(200);
    expect((await slack.event(envelope, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200);
    expect((await slack.event(envelope, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200);
    await fake.waitForCall('chat.postMessage', n + 1);
    await sleep(200);
    expect(fake.callsTo('chat.postMessage').length).toBe(n + 1);
  });

  it('answers one message once even when it comes back under a new event_id', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    const dm = { type: 'message', channel_type: 'im', channel: 'D0DM', user: 'U0ASKER', text: '湖北', ts: '1700000600.000600', event_ts: '1700000600.000600' };
    await Promise.all([slack.event(eventEnvelope(dm, 'EvA')), slack.event(eventEnvelope(dm, 'EvB'))]);
    await fake.waitForCall('chat.postMessage', n + 1);
    await sleep(200);
    expect(fake.callsTo('chat.postMessage').length).toBe(n + 1);
  });
});

describe('buttons on channel messages', () => {
  it('run their command through the core and update the card in place with chat.update', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    await slack.event(eventEnvelope({ type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> 湖北`, ts: '1700000700.000700', channel: 'C0GENERAL', event_ts: '1700000700.000700' }));
    const posted = await fake.waitForCall('chat.postMessage', n + 1);
    const ts = posted.result.ts as string;
    const action = buttons(posted.args.blocks)[0];
    expect(action).toBeDefined();
    expect(buttons(posted.args.blocks).some((b: any) => b.action_id === SHARE_ACTION_ID)).toBe(false);
    const u = fake.callsTo('chat.update').length;
    const res = await slack.interaction(blockActions({ actionId: action.action_id, value: action.value, responseUrl: fake.responseUrl('c1'), message: { channel: 'C0GENERAL', ts } }));
    expect(res.status).toBe(200);
    const update = await fake.waitForCall('chat.update', u + 1);
    expect(update.args).toMatchObject({ channel: 'C0GENERAL', ts });
    expect(update.args.blocks).toEqual(expected(action.value).blocks);
    expect(update.args.text).toBeTruthy();
  });

  it('fall back to response_url when chat.update is refused', async () => {
    fake.fail('chat.update', 'cant_update_message');
    await slack.interaction(blockActions({ actionId: 'iiot:0', value: 'tier rising --lang zh', responseUrl: fake.responseUrl('c2'), message: { channel: 'C0GENERAL', ts: '1700000800.000800' } }));
    const r = await fake.waitForResponse('c2');
    expect(r.body.replace_original).toBe(true);
    expect(r.body.blocks).toEqual(expected('tier rising --lang zh').blocks);
    expect(json(r.body.blocks)).toContain('快速崛起');
    expect(logs.some((l) => l.level === 'error' && l.text.includes('cant_update_message'))).toBe(true);
  });

  it('answer the Shanxi/Shaanxi choice with the chosen region', async () => {
    await slack.interaction(blockActions({ actionId: 'iiot:1', value: 'region shaanxi', responseUrl: fake.responseUrl('c3'), message: { channel: 'C0GENERAL', ts: '1700000900.000900', ephemeral: true } }));
    const r = await fake.waitForResponse('c3');
    expect(json(r.body.blocks)).toMatch(/陕西|Shaanxi/);
    expect(json(r.body.blocks)).not.toMatch(/山西|Shanxi\b/);
  });
});

describe('the language a user writes in', () => {
  it('answers a bare /iiot from someone who writes Chinese in Chinese, and Share keeps it', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    await directMessage('湖北是哪个梯队', '1700000950.000100');
    expect(json((await fake.waitForCall('chat.postMessage', n + 1)).args.blocks)).toContain('示范引领');
    const bare = (await slack.command(slashCommand('', fake.responseUrl('lz1')))).json();
    expect(bare.blocks).toEqual(renderSlackAnswer(handle({ text: 'help', platform: 'slack', lang: 'zh' }), { share: 'help --lang zh' }).blocks);
    // The question's own language still wins over the remembered one.
    const english = (await slack.command(slashCommand('what tier is Hubei in', fake.responseUrl('lz2')))).json();
    expect(json(english.blocks)).toContain('Leading the Way');
    // …and is remembered in turn.
    const bareAgain = (await slack.command(slashCommand('', fake.responseUrl('lz3')))).json();
    expect(headerOf(bareAgain.blocks)).toBe(headerOf(expected('help').blocks));
  });

  it('keeps each user\'s language apart', async () => {
    await slack.command(slashCommand('湖北', fake.responseUrl('lu1'), { user_id: 'U0ZHWRITER' }));
    const other = (await slack.command(slashCommand('', fake.responseUrl('lu2'), { user_id: 'U0SOMEONEELSE' }))).json();
    expect(headerOf(other.blocks)).toBe(headerOf(expected('help').blocks));
    const writer = (await slack.command(slashCommand('', fake.responseUrl('lu3'), { user_id: 'U0ZHWRITER' }))).json();
    expect(headerOf(writer.blocks)).toBe(headerOf(renderSlackAnswer(handle({ text: 'help', platform: 'slack', lang: 'zh' })).blocks));
  });
});

describe('App Home', () => {
  const homeOpened = (user: string, id?: string) =>
    slack.event(eventEnvelope({ type: 'app_home_opened', user, channel: 'D0DM', tab: 'home', event_ts: '1700001000.000100' }, id));

  it('shows the overview in the viewer\'s language when Slack gives a locale', async () => {
    fake.locales.set('U0EN', 'en-US');
    const p = fake.callsTo('views.publish').length;
    await homeOpened('U0EN');
    const call = await fake.waitForCall('views.publish', p + 1);
    expect(fake.callsTo('users.info').at(-1)?.args).toMatchObject({ user: 'U0EN', include_locale: 'true' });
    expect(call.args.user_id).toBe('U0EN');
    expect(call.args.view).toEqual(renderSlackHome([overview('en')]));
    for (const tier of ['Leading the Way', 'Rapid Rise', 'Catching Up', 'Getting Started']) expect(json(call.args.view)).toContain(tier);
    expect(json(call.args.view)).not.toContain('示范引领');
  });

  it('in Chinese for a zh locale', async () => {
    fake.locales.set('U0ZH', 'zh-CN');
    const p = fake.callsTo('views.publish').length;
    await homeOpened('U0ZH');
    const call = await fake.waitForCall('views.publish', p + 1);
    for (const tier of ['示范引领', '快速崛起', '后发追赶', '孕育起步']) expect(json(call.args.view)).toContain(tier);
    expect(json(call.args.view)).not.toContain('Leading the Way');
  });

  it('in Chinese and English when Slack gives no locale', async () => {
    const p = fake.callsTo('views.publish').length;
    await homeOpened('U0NOLOCALE');
    const call = await fake.waitForCall('views.publish', p + 1);
    expect(call.args.view).toEqual(renderSlackHome([overview('zh'), overview('en')]));
    expect(json(call.args.view)).toContain('示范引领');
    expect(json(call.args.view)).toContain('Leading the Way');
    expect(blockKitViolations(call.args.view.blocks, { maxBlocks: 100, maxChars: Infinity })).toEqual([]);
  });

  it('asks users.info once per viewer for a while, not on every open', async () => {
    fake.locales.set('U0TWICE', 'zh-CN');
    const p = fake.callsTo('views.publish').length;
    const infos = () => fake.callsTo('users.info').filter((c) => c.args.user === 'U0TWICE').length;
    await homeOpened('U0TWICE', 'EvTWICE1');
    await fake.waitForCall('views.publish', p + 1);
    await homeOpened('U0TWICE', 'EvTWICE2');
    const second = await fake.waitForCall('views.publish', p + 2);
    expect(infos()).toBe(1);
    expect(json(second.args.view)).toContain('示范引领');
    expect(json(second.args.view)).not.toContain('Leading the Way');
  });

  it('asks again after a failed users.info, showing both languages meanwhile', async () => {
    fake.locales.set('U0FLAKY', 'en-US');
    fake.fail('users.info', 'internal_error');
    const p = fake.callsTo('views.publish').length;
    await homeOpened('U0FLAKY', 'EvFLAKY1');
    const first = await fake.waitForCall('views.publish', p + 1);
    expect(first.args.view).toEqual(renderSlackHome([overview('zh'), overview('en')]));
    fake.clearFailures();
    await homeOpened('U0FLAKY', 'EvFLAKY2');
    const second = await fake.waitForCall('views.publish', p + 2);
    expect(second.args.view).toEqual(renderSlackHome([overview('en')]));
    expect(fake.callsTo('users.info').filter((c) => c.args.user === 'U0FLAKY').length).toBe(2);
  });

  it('ignores the Messages tab and a retried Home event', async () => {
    const p = fake.callsTo('views.publish').length;
    await slack.event(eventEnvelope({ type: 'app_home_opened', user: 'U0EN', channel: 'D0DM', tab: 'messages', event_ts: '1.2' }));
    await homeOpened('U0EN', 'EvHOME');
    await homeOpened('U0EN', 'EvHOME');
    await fake.waitForCall('views.publish', p + 1);
    await sleep(150);
    expect(fake.callsTo('views.publish').length).toBe(p + 1);
  });

  it('a button on Home shows its answer there, with a way back to the overview', async () => {
    fake.locales.set('U0EN', 'en-US');
    const home = renderSlackHome([overview('en')]);
    const action = buttons(home.blocks)[0];
    expect(action).toBeDefined();
    const p = fake.callsTo('views.publish').length;
    await slack.interaction(blockActions({ actionId: action.action_id, value: action.value, responseUrl: fake.responseUrl('home'), home: true, user: 'U0EN' }));
    const call = await fake.waitForCall('views.publish', p + 1);
    expect(call.args.user_id).toBe('U0EN');
    const answer = handle({ text: action.value, platform: 'slack' });
    expect(call.args.view).toEqual(renderSlackHome([answer], { back: answer.lang }));
    const back = buttons(call.args.view.blocks).find((b: any) => b.action_id === HOME_ACTION_ID);
    expect(back).toBeDefined();
    await slack.interaction(blockActions({ actionId: back.action_id, value: back.value, responseUrl: fake.responseUrl('home2'), home: true, user: 'U0EN' }));
    const again = await fake.waitForCall('views.publish', p + 2);
    expect(again.args.view).toEqual(renderSlackHome([overview(answer.lang)]));
  });
});

describe('failures', () => {
  it('logs a failed send and keeps serving', async () => {
    fake.fail('chat.postMessage', 'channel_not_found');
    const n = fake.callsTo('chat.postMessage').length;
    await slack.event(eventEnvelope({ type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> 湖北`, ts: '1700001100.000100', channel: 'C0GONE', event_ts: '1700001100.000100' }));
    await fake.waitForCall('chat.postMessage', n + 1);
    await fake.waitFor(() => logs.find((l) => l.level === 'error' && l.text.includes('channel_not_found')), 'the error log');
    fake.clearFailures();
    expect((await slack.command(slashCommand('湖北', fake.responseUrl('after')))).status).toBe(200);
    expect(await (await fetch(`${origin}/healthz`)).text()).toBe('ok');
  });
});

describe('a question asked again', () => {
  it('gets the same card without the core working it out again; each ask is still its own event line', async () => {
    const asked: string[] = [];
    let failNext = true;
    const counting: typeof converse = (inbound, context) => {
      asked.push(`${inbound.fallbackLang ?? ''}:${inbound.text}`);
      if (failNext) { failNext = false; throw new Error('core down for a moment'); }
      return converse(inbound, context);
    };
    const { logger, lines } = jsonLogger('info');
    const adapter = createSlackAdapter({ mode: 'http', botToken: TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl }, { converse: counting, overview, store: new MemoryStore(), logger });
    const server = await startHttpServer(adapter.routes, 0, '127.0.0.1');
    try {
      await adapter.start();
      const sender = new SlackSender(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, SECRET);
      const ask = async (text: string, user = 'U0ASKER') => (await sender.command(slashCommand(text, fake.responseUrl('again'), { user_id: user }))).text;
      // An apology is never kept: the next asker gets the real answer.
      expect(await ask('湖北')).toContain('Sorry, something went wrong');
      const first = await ask('湖北');
      expect(JSON.parse(first)).toEqual({ response_type: 'ephemeral', ...expected('湖北', '湖北') });
      expect(await ask('湖北', 'U0SOMEONEELSE')).toBe(first);
      expect(asked).toEqual([':湖北', ':湖北']);
      // A bare /iiot depends on the asker's remembered language: answered per language, each kept.
      const bareZh = await ask('', 'U0ASKER'); // wrote Chinese above
      const bareEn = await ask('', 'U0NEWCOMER');
      expect(JSON.parse(bareZh).blocks).toEqual(renderSlackAnswer(handle({ text: '', platform: 'slack', lang: 'zh' }), { share: 'help --lang zh' }).blocks);
      expect(JSON.parse(bareEn).blocks).toEqual(renderSlackAnswer(handle({ text: '', platform: 'slack', lang: 'en' }), { share: 'help --lang en' }).blocks);
      expect(await ask('', 'U0NEWCOMER')).toBe(bareEn);
      expect(asked).toEqual([':湖北', ':湖北', 'zh:', 'en:']);
      const events = lines().filter((l) => l.msg === 'event').map((l) => [l.kind, l.intent, l.outcome]);
      expect(events).toEqual([
        ['command', undefined, 'answered'],
        ...Array.from({ length: 2 }, () => ['command', 'region', 'answered']),
        ...Array.from({ length: 3 }, () => ['command', 'help', 'answered']),
      ]);
    } finally {
      await adapter.stop();
      await new Promise((r) => server.close(() => r(undefined)));
    }
  });
});

describe('a core that throws', () => {
  it('gets the user a short apology instead of a stack trace, and the bot keeps serving', async () => {
    const adapter = createSlackAdapter(
      { mode: 'http', botToken: TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl },
      { converse: () => { throw new Error('boom at core.ts:42'); }, overview, store: new MemoryStore(), logger: captureLogger() },
    );
    const server = await startHttpServer(adapter.routes, 0, '127.0.0.1');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
      const sender = new SlackSender(url, SECRET);
      expect((await sender.command(slashCommand('湖北', fake.responseUrl('early')))).status).toBe(503); // not started yet
      await adapter.start();
      const res = await sender.command(slashCommand('湖北', fake.responseUrl('boom')));
      expect(res.status).toBe(200);
      expect(res.json().text).toContain('Sorry, something went wrong');
      expect(res.text).not.toContain('boom');
      expect(buttons(res.json().blocks)).toEqual([]);
      expect(logs.some((l) => l.level === 'error' && l.text.includes('boom at core.ts:42'))).toBe(true);
      expect((await sender.command(slashCommand('again', fake.responseUrl('boom2')))).status).toBe(200);
    } finally {
      await adapter.stop();
      await new Promise((r) => server.close(() => r(undefined)));
    }
  });
});
