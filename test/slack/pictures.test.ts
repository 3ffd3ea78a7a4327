/**
 * Card pictures on Slack, end to end in HTTP mode: the real bot and Bolt, signed requests, and a fake
 * Slack that takes uploads the way filesUploadV2 makes them (files.getUploadURLExternal, the upload
 * URL, files.completeUploadExternal) and, like Slack, refuses an image block naming a file not shared
 * into the message's conversation (a file uploaded into no channel is the bot's alone).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { startBot, type RunningBot } from '../../src/app.js';
import { handle } from '../../src/core/handle.js';
import { TIER_COLORS } from '../../src/core/pictures.js';
import { MemoryStore } from '../../src/infra/store.js';
import { SHARE_ACTION_ID } from '../../src/render/slack.js';
import { webApi } from '@slack/bolt';
import { BOT_USER_ID, FakeSlack, type ApiCall } from '../fakes/slack-api.js';
import { blockActions, eventEnvelope, slashCommand, SlackSender } from '../fakes/signing.js';
import { capturingLogger, type LogLine } from '../support/logs.js';
import { decodePng, dominantColor, mapPixel } from '../support/png.js';

const SECRET = 'pictures-signing-secret-0123';

let fake: FakeSlack;
let bot: RunningBot;
let slack: SlackSender;
let store: MemoryStore;
const logs: LogLine[] = [];

beforeAll(async () => {
  fake = await FakeSlack.start();
  store = new MemoryStore();
  bot = await startBot(
    { port: 0, logLevel: 'error', slack: { mode: 'http', botToken: 'xoxb-pictures', signingSecret: SECRET, apiUrl: fake.apiUrl } },
    { host: '127.0.0.1', logger: capturingLogger(logs), store },
  );
  slack = new SlackSender(`http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}/slack/events`, SECRET);
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

beforeEach(() => {
  fake.clearFailures();
  logs.length = 0;
});

const imageBlocks = (blocks: any[] | undefined) => (blocks ?? []).filter((b) => b.type === 'image');
const buttons = (blocks: any[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);
const hubeiImage = () => handle({ text: '湖北', platform: 'slack' }).card.image!;
/** Hubei's pixel carries its tier's colour: the bytes are the map. */
const expectHubeiMap = (fileId: string) => {
  const png = decodePng(fake.uploadedPng(fileId)!);
  expect(dominantColor(png, ...mapPixel(hubeiImage(), 'zh', [110.8, 31.6]))).toBe(TIER_COLORS.leading);
};
/** The calls made from index `from` on, in order, by method. */
const methodsSince = (from: number) => fake.calls.slice(from).map((c: ApiCall) => c.method);
/** Every file the bot uploaded was shared into a conversation: none is private to the bot. */
const expectNoPrivateUpload = () => expect([...fake.files.values()].filter((f) => !f.channel)).toEqual([]);


describe('/iiot (private answers)', () => {
  it('acks with the card, which says everything; no private picture follows and nothing reaches the channel', async () => {
    const calls = fake.calls.length;
    const ack = (await slack.command(slashCommand('湖北', fake.responseUrl('hubei')))).json();
    expect(ack.response_type).toBe('ephemeral');
    expect(imageBlocks(ack.blocks)).toEqual([]);
    expect(JSON.stringify(ack.blocks)).toContain('示范引领');
    // An ephemeral message cannot carry a file, and a private upload is not shown: nothing follows.
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.responses.filter((r) => r.id === 'hubei')).toEqual([]);
    expect(methodsSince(calls)).toEqual([]);
  });

  it('posts the picture publicly only on Share: the shared card, then the map uploaded into the channel', async () => {
    const ack = (await slack.command(slashCommand('湖北', fake.responseUrl('share-src')))).json();
    const share = buttons(ack.blocks).find((b: any) => b.action_id === SHARE_ACTION_ID);
    await slack.interaction(blockActions({
      actionId: share.action_id, value: share.value, responseUrl: fake.responseUrl('share'),
      message: { channel: 'C0GENERAL', ts: '1700000000.000009', ephemeral: true },
    }));
    const posted = await fake.waitForResponse('share', 1);
    expect(posted.body.response_type).toBe('in_channel');
    expect(imageBlocks(posted.body.blocks)).toEqual([]);
    expect((await fake.waitForResponse('share', 2)).body).toEqual({ delete_original: true });
    const shared = await fake.waitFor(() => [...fake.files.values()].find((f) => f.channel === 'C0GENERAL' && f.completed), 'the map shared into C0GENERAL');
    expect(shared.altText).toBe(hubeiImage().alt);
    expect(shared.filename).toMatch(/\.png$/);
    expectHubeiMap(shared.id);
    expectNoPrivateUpload();
  });

  it('a button on the private card changes it in place, with no picture', async () => {
    const ack = (await slack.command(slashCommand('tiers', fake.responseUrl('tiers-src')))).json();
    const button = buttons(ack.blocks).find((b: any) => b.action_id !== SHARE_ACTION_ID);
    const calls = fake.calls.length;
    await slack.interaction(blockActions({
      actionId: button.action_id, value: button.value, responseUrl: fake.responseUrl('tiers-click'),
      message: { channel: 'C0GENERAL', ts: '1700000000.000010', ephemeral: true },
    }));
    const updated = await fake.waitForResponse('tiers-click');
    expect(updated.body.replace_original).toBe(true);
    expect(imageBlocks(updated.body.blocks)).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(methodsSince(calls)).toEqual([]);
  });
});

describe('@mentions and direct messages', () => {
  it('posts the card in the thread first, then uploads the map into the same channel and thread', async () => {
    const calls = fake.calls.length;
    await slack.event(eventEnvelope({ type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> 湖北`, ts: '1700000900.000100', channel: 'C0GENERAL', event_ts: '1700000900.000100' }));
    const done = await fake.waitFor(() => fake.calls.slice(calls).find((c) => c.method === 'files.completeUploadExternal'), 'the upload');
    expect(done.result).toMatchObject({ ok: true });
    // The card went first (never delayed by the picture), then the three calls of one upload.
    expect(methodsSince(calls)).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    const posted = fake.callsTo('chat.postMessage').at(-1)!;
    expect(posted.args).toMatchObject({ channel: 'C0GENERAL', thread_ts: '1700000900.000100' });
    expect(imageBlocks(posted.args.blocks)).toEqual([]);
    const file = fake.files.get(done.args.files[0].id)!;
    expect(file).toMatchObject({ completed: true, channel: 'C0GENERAL', threadTs: '1700000900.000100', altText: hubeiImage().alt, title: hubeiImage().title });
    expectHubeiMap(file.id);
    expect(fake.callsTo('chat.update')).toEqual([]);
    expectNoPrivateUpload();
  });

  it('in a direct message, the card and then the map, uploaded into that DM', async () => {
    const calls = fake.calls.length;
    await slack.event(eventEnvelope({ type: 'message', channel_type: 'im', channel: 'D0DM', user: 'U0ASKER', text: '湖北', ts: '1700000901.000100', event_ts: '1700000901.000100' }));
    const done = await fake.waitFor(() => fake.calls.slice(calls).find((c) => c.method === 'files.completeUploadExternal'), 'the upload');
    expect(methodsSince(calls)).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    expect(fake.callsTo('chat.postMessage').at(-1)!.args).toMatchObject({ channel: 'D0DM' });
    const file = fake.files.get(done.args.files[0].id)!;
    expect(file).toMatchObject({ completed: true, channel: 'D0DM', threadTs: undefined });
    expectHubeiMap(file.id);
    expectNoPrivateUpload();
  });

  it('a button on a card in a thread updates the card, then uploads the new picture into that thread', async () => {
    const calls = fake.calls.length;
    await slack.interaction(blockActions({
      actionId: 'iiot:region', value: '湖北', responseUrl: fake.responseUrl('thread-click'),
      message: { channel: 'C0GENERAL', ts: '1700000902.000200', threadTs: '1700000902.000100' },
    }));
    const done = await fake.waitFor(() => fake.calls.slice(calls).find((c) => c.method === 'files.completeUploadExternal'), 'the upload');
    expect(methodsSince(calls)).toEqual(['chat.update', 'files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    const update = fake.callsTo('chat.update').at(-1)!;
    expect(update.result).toMatchObject({ ok: true });
    expect(imageBlocks(update.args.blocks)).toEqual([]);
    expect(fake.files.get(done.args.files[0].id)).toMatchObject({ channel: 'C0GENERAL', threadTs: '1700000902.000100' });
  });

  it('a picture already uploaded into the conversation costs the same again: the card, then one upload (three calls)', async () => {
    // Measured for docs/pictures-delivery.md: Slack has no reliable way to show a kept file id again.
    const mention = (ts: string) => eventEnvelope({ type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> 湖北`, ts, channel: 'C0AGAIN', event_ts: ts });
    const uploads = () => fake.callsTo('files.completeUploadExternal').filter((c) => c.args.channel_id === 'C0AGAIN');
    await slack.event(mention('1700000904.000100'));
    await fake.waitFor(() => uploads()[0], 'the first upload');
    const calls = fake.calls.length;
    await slack.event(mention('1700000905.000100'));
    await fake.waitFor(() => uploads()[1], 'the second upload');
    expect(methodsSince(calls)).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    // The PNG was drawn once: the same bytes both times.
    const [first, second] = uploads().map((c) => fake.uploadedPng(c.args.files[0].id)!);
    expect(second!.equals(first!)).toBe(true);
  });

  it('still posts the card when the upload fails, and logs the failure once', async () => {
    fake.fail('files.getUploadURLExternal', 'internal_error');
    const calls = fake.calls.length;
    await slack.event(eventEnvelope({ type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> 西藏`, ts: '1700000903.000100', channel: 'C0GENERAL', event_ts: '1700000903.000100' }));
    // Slack's internal_error is retried by the outbox (1 + 2 + 4 s of backoff), then given up: one line.
    const upload = (l: LogLine) => l.text.includes('files.uploadV2') && l.text.includes('failed');
    await fake.waitFor(() => logs.find(upload), 'the error line', 20_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(methodsSince(calls)).toEqual(['chat.postMessage', ...Array(4).fill('files.getUploadURLExternal')]);
    expect(JSON.stringify(fake.callsTo('chat.postMessage').at(-1)!.args.blocks)).toContain('西藏');
    expect(logs.filter(upload)).toMatchObject([{ level: 'error' }]);
  }, 30_000);
});

describe('the fake refuses what Slack refuses', () => {
  it('an image block naming a file private to the bot, or shared into another conversation, is invalid_blocks', async () => {
    const client = new webApi.WebClient('xoxb-pictures', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const png = Buffer.from('not really a PNG: the fake keeps any bytes');
    const upload = async (channel?: string) => ((await client.filesUploadV2({ file: png, filename: 'm.png', ...(channel ? { channel_id: channel } : {}) })).files as any)[0].files[0].id as string;
    const post = (channel: string, id: string) => client.chat.postMessage({ channel, text: 'm', blocks: [{ type: 'image', slack_file: { id }, alt_text: 'm' }] });
    const mine = await upload();
    await expect(post('C0GENERAL', mine)).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    const elsewhere = await upload('C0OTHER');
    await expect(post('C0GENERAL', elsewhere)).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(post('C0OTHER', elsewhere)).resolves.toMatchObject({ ok: true });
  });
});
