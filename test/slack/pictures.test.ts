/**
 * Card pictures on Slack, end to end in HTTP mode: the real bot and Bolt, signed requests, and a fake
 * Slack that takes uploads the way filesUploadV2 makes them (files.getUploadURLExternal, the upload
 * URL, files.completeUploadExternal) and accepts an image block only for a file it has.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { startBot, type RunningBot } from '../../src/app.js';
import { handle } from '../../src/core/handle.js';
import { TIER_COLORS } from '../../src/core/pictures.js';
import { MemoryStore } from '../../src/infra/store.js';
import { pictureId } from '../../src/pictures/index.js';
import { SHARE_ACTION_ID } from '../../src/render/slack.js';
import { BOT_USER_ID, FakeSlack } from '../fakes/slack-api.js';
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

describe('/iiot (private answers)', () => {
  it('acks with the card at once, then shows the map privately by slack_file id; nothing reaches the channel', async () => {
    const ack = (await slack.command(slashCommand('湖北', fake.responseUrl('hubei')))).json();
    expect(ack.response_type).toBe('ephemeral');
    expect(imageBlocks(ack.blocks)).toEqual([]); // the ack did not wait for the picture
    expect(JSON.stringify(ack.blocks)).toContain('示范引领');

    const follow = await fake.waitForResponse('hubei');
    expect(follow.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    const [image] = imageBlocks(follow.body.blocks);
    const alt = handle({ text: '湖北', platform: 'slack' }).card.image!.alt;
    expect(image).toEqual({ type: 'image', slack_file: { id: expect.stringMatching(/^F0FAKE/) }, alt_text: alt });

    // Uploaded the filesUploadV2 way, into no channel: private to the bot until a card shows it.
    const file = fake.files.get(image.slack_file.id)!;
    expect(file).toMatchObject({ completed: true, channel: undefined, filename: expect.stringMatching(/\.png$/) });
    expect(fake.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(fake.callsTo('upload')).toHaveLength(1);
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);

    // The bytes are the map, Hubei in its tier's colour.
    const png = decodePng(fake.uploadedPng(file.id)!);
    const picture = handle({ text: '湖北', platform: 'slack' }).card.image!;
    expect(dominantColor(png, ...mapPixel(picture, 'zh', [110.8, 31.6]))).toBe(TIER_COLORS.leading);
  });

  it('uploads a picture once per workspace and remembers its id in the Store', async () => {
    await slack.command(slashCommand('湖北省', fake.responseUrl('hubei-again')));
    const follow = await fake.waitForResponse('hubei-again');
    expect(fake.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    const id = imageBlocks(follow.body.blocks)[0].slack_file.id;
    expect(fake.files.size).toBe(1);
    const image = handle({ text: '湖北', platform: 'slack' }).card.image!;
    expect(await store.get(`slack:picture:T0TEAM:${pictureId(image, 'zh')}`)).toBe(id);
  });

  it('posts the picture publicly only on Share: the shared card, then the map uploaded into the channel', async () => {
    const ack = (await slack.command(slashCommand('湖北', fake.responseUrl('share-src')))).json();
    await fake.waitForResponse('share-src');
    const share = buttons(ack.blocks).find((b: any) => b.action_id === SHARE_ACTION_ID);
    await slack.interaction(blockActions({
      actionId: share.action_id, value: share.value, responseUrl: fake.responseUrl('share'),
      message: { channel: 'C0GENERAL', ts: '1700000000.000009', ephemeral: true },
    }));
    const posted = await fake.waitForResponse('share', 1);
    expect(posted.body.response_type).toBe('in_channel');
    // Slack gives a file uploaded into no channel to the bot alone, so the public card cannot show
    // the private upload; the map goes into the channel as a file of its own, shared there.
    expect(imageBlocks(posted.body.blocks)).toEqual([]);
    expect((await fake.waitForResponse('share', 2)).body).toEqual({ delete_original: true });
    const shared = await fake.waitFor(() => [...fake.files.values()].find((f) => f.channel === 'C0GENERAL' && f.completed), 'the map shared into C0GENERAL');
    expect(shared.altText).toBe(handle({ text: '湖北', platform: 'slack' }).card.image!.alt);
    const png = decodePng(fake.uploadedPng(shared.id)!);
    const picture = handle({ text: '湖北', platform: 'slack' }).card.image!;
    expect(dominantColor(png, ...mapPixel(picture, 'zh', [110.8, 31.6]))).toBe(TIER_COLORS.leading);
  });

  it('still answers with the text card when the upload fails, and logs it once', async () => {
    const before = fake.callsTo('files.getUploadURLExternal').length;
    fake.fail('files.getUploadURLExternal', 'internal_error');
    const ack = (await slack.command(slashCommand('西藏', fake.responseUrl('tibet')))).json();
    expect(JSON.stringify(ack.blocks)).toContain('西藏');
    // Slack's internal_error is retried by the outbox (1 + 2 + 4 s of backoff), then given up: one line.
    const upload = (l: LogLine) => l.text.includes('files.uploadV2') && l.text.includes('failed');
    await fake.waitFor(() => logs.find(upload), 'the error line', 20_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.callsTo('files.getUploadURLExternal').length - before).toBe(4);
    expect(fake.responses.filter((r) => r.id === 'tibet')).toHaveLength(0);
    expect(logs.filter(upload)).toMatchObject([{ level: 'error' }]);
  }, 30_000);
});

describe('@mentions and direct messages', () => {
  it('posts the card in the thread, then patches the map into it with chat.update', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    await slack.event(eventEnvelope({ type: 'app_mention', user: 'U0ASKER', text: `<@${BOT_USER_ID}> tier rising`, ts: '1700000900.000100', channel: 'C0GENERAL', event_ts: '1700000900.000100' }));
    const posted = await fake.waitForCall('chat.postMessage', n + 1);
    expect(posted.args.thread_ts).toBe('1700000900.000100');
    expect(imageBlocks(posted.args.blocks)).toEqual([]);
    const update = await fake.waitFor(() => fake.callsTo('chat.update').find((c) => c.args.ts === posted.result.ts), 'the picture patch');
    expect(update.result.ok).toBe(true);
    const [image] = imageBlocks(update.args.blocks);
    expect(image.alt_text).toContain('Rapid Rise');
    expect(fake.files.get(image.slack_file.id)?.completed).toBe(true);
    // The rest of the card is unchanged.
    expect(update.args.blocks.filter((b: any) => b.type !== 'image')).toEqual(posted.args.blocks);
  });

  it('carries an already uploaded picture in the first post', async () => {
    const n = fake.callsTo('chat.postMessage').length;
    await slack.event(eventEnvelope({ type: 'message', channel_type: 'im', channel: 'D0DM', user: 'U0ASKER', text: '湖北', ts: '1700000901.000100', event_ts: '1700000901.000100' }));
    const posted = await fake.waitForCall('chat.postMessage', n + 1);
    expect(imageBlocks(posted.args.blocks)).toHaveLength(1);
    expect(posted.result.ok).toBe(true);
  });
});
