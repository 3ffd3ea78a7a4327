/**
 * PUBLIC_BASE_URL: the bot serves the pictures it has issued at `/pictures/<hash>.png`, and Slack's
 * private `/iiot` answers show theirs by `image_url` from there. The real bot in HTTP mode against the
 * fake Slack; the picture is fetched over HTTP from the bot, as Slack would fetch it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { startBot, type RunningBot } from '../../src/app.js';
import { handle } from '../../src/core/handle.js';
import { TIER_COLORS } from '../../src/core/pictures.js';
import { loadConfig } from '../../src/infra/config.js';
import { MemoryStore } from '../../src/infra/store.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { slashCommand, SlackSender } from '../fakes/signing.js';
import { quietLogger } from '../support/logs.js';
import { decodePng, dominantColor, mapPixel } from '../support/png.js';

const SECRET = 'picture-links-signing-secret';
const BASE = 'https://bot.example.com/iiot';

let fake: FakeSlack;
let bot: RunningBot;
let slack: SlackSender;
let origin: string;
const store = new MemoryStore();
const replicas: RunningBot[] = [];

const start = async () => {
  const running = await startBot(
    { port: 0, logLevel: 'error', publicBaseUrl: BASE, slack: { mode: 'http', botToken: 'xoxb-links', signingSecret: SECRET, apiUrl: fake.apiUrl } },
    { host: '127.0.0.1', logger: quietLogger, store },
  );
  replicas.push(running);
  return running;
};
const originOf = (running: RunningBot) => `http://127.0.0.1:${(running.server!.address() as AddressInfo).port}`;

beforeAll(async () => {
  fake = await FakeSlack.start();
  bot = await start();
  origin = originOf(bot);
  slack = new SlackSender(`${origin}/slack/events`, SECRET);
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await fake?.close();
});

const imageBlocks = (blocks: any[] | undefined) => (blocks ?? []).filter((b) => b.type === 'image');
/** The bot's own address for a public URL it issued (the test reaches it on loopback). */
const local = (url: string) => `${origin}${url.slice(BASE.length)}`;

describe('/iiot with PUBLIC_BASE_URL', () => {
  it('the private ack shows the map by image_url, and the bot serves that PNG', async () => {
    const ack = (await slack.command(slashCommand('湖北', fake.responseUrl('hubei')))).json();
    expect(ack.response_type).toBe('ephemeral');
    const image = handle({ text: '湖北', platform: 'slack' }).card.image!;
    const [block] = imageBlocks(ack.blocks);
    expect(block).toEqual({ type: 'image', image_url: expect.stringMatching(/^https:\/\/bot\.example\.com\/iiot\/pictures\/[0-9a-f]{24}\.png$/), alt_text: image.alt });
    // Nothing is uploaded and nothing follows: Slack fetches the picture itself.
    expect(fake.callsTo('files.getUploadURLExternal')).toEqual([]);

    const res = await fetch(local(block.image_url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toContain('immutable');
    const png = decodePng(Buffer.from(await res.arrayBuffer()));
    expect(dominantColor(png, ...mapPixel(image, 'zh', [110.8, 31.6]))).toBe(TIER_COLORS.leading);
  });

  it('the same question asked again (a kept ack) gives the same URL, still served', async () => {
    const first = imageBlocks((await slack.command(slashCommand('tier leading', fake.responseUrl('t1')))).json().blocks);
    const again = imageBlocks((await slack.command(slashCommand('tier leading', fake.responseUrl('t2')))).json().blocks);
    expect(again).toEqual(first);
    expect((await fetch(local(first[0].image_url), { method: 'HEAD' })).status).toBe(200);
  });

  it('another replica sharing the Store serves a picture this one issued (Slack\'s fetch may go there)', async () => {
    const [block] = imageBlocks((await slack.command(slashCommand('tier rising', fake.responseUrl('r1')))).json().blocks);
    const other = await start();
    const res = await fetch(`${originOf(other)}${block.image_url.slice(BASE.length)}`);
    expect(res.status).toBe(200);
    expect(decodePng(Buffer.from(await res.arrayBuffer())).width).toBeGreaterThan(100);
  });

  it('serves only pictures it issued: an unknown hash or another path is a 404', async () => {
    expect((await fetch(`${origin}/pictures/0123456789abcdef01234567.png`)).status).toBe(404);
    expect((await fetch(`${origin}/pictures/whatever.png`)).status).toBe(404);
    expect((await fetch(`${origin}/pictures/`)).status).toBe(404);
  });

  it('an answer without a picture has no image block', async () => {
    const ack = (await slack.command(slashCommand('help', fake.responseUrl('help')))).json();
    expect(imageBlocks(ack.blocks)).toEqual([]);
  });
});

describe('PUBLIC_BASE_URL', () => {
  it('is optional, and taken without its trailing slash', () => {
    expect(loadConfig({}).publicBaseUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://bot.example.com/' }).publicBaseUrl).toBe('https://bot.example.com');
    expect(loadConfig({ PUBLIC_BASE_URL: 'http://10.0.0.5:3000/iiot' }).publicBaseUrl).toBe('http://10.0.0.5:3000/iiot');
  });

  it.each(['bot.example.com', 'ftp://bot.example.com', 'https://bot.example.com/?x=1', 'not a url'])('refuses PUBLIC_BASE_URL=%s with one line naming it', (value) => {
    expect(() => loadConfig({ PUBLIC_BASE_URL: value })).toThrow(/^PUBLIC_BASE_URL is not valid: /);
  });
});
