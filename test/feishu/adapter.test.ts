/**
 * Adapter behaviour that needs deps of the test's own (pictures, a failing dedup store) or odd inputs
 * (post shapes), still through real HTTP, the real SDK and the fake Feishu.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { converse, handle, overview } from '../../src/core/handle.js';
import type { ConversationContext, Inbound, Turn } from '../../src/core/types.js';
import type { FeishuConfig } from '../../src/infra/config.js';
import { MemoryStore, type Store } from '../../src/infra/store.js';
import { DEFAULT_OUTBOX_LIMITS } from '../../src/infra/outbox.js';
import { createFeishuAdapter, type FeishuAdapter } from '../../src/platforms/feishu/adapter.js';
import { Pictures, type Png } from '../../src/pictures/index.js';
import { createMetrics } from '../../src/infra/metrics.js';
import { createReporter, type Reporter } from '../../src/infra/report.js';
import { TIER_COLORS } from '../../src/core/pictures.js';
import { decodePng, dominantColor, mapPixel } from '../support/png.js';
import { classifyMessage, commandFromAction, defaultLangFor, postToText } from '../../src/platforms/feishu/inbound.js';
import { cardViolations, FakeFeishu, FAKE_BOT_OPEN_ID } from '../fakes/feishu-api.js';
import { cardActionEvent, deliver, messageEvent } from '../fakes/feishu-crypto.js';
import { capturingLogger, type LogLine } from '../support/logs.js';
import { forwardingStore, serve, type Served } from '../support/serve.js';

const APP_ID = 'cli_a1b2c3d4e5f60003';
const ENCRYPT_KEY = 'adapter-test-key';
const TOKEN = 'adapter-test-token';

let fake: FakeFeishu;
let served: Served;
let adapter: FeishuAdapter;
let url: string;
let dedup: Store;
const logs: LogLine[] = [];
const seen: Inbound[] = [];

const logger = capturingLogger(logs);

/** What the core was handed with each question: the context its conversation kept. */
const contexts: (ConversationContext | undefined)[] = [];

/** The real core, recording what it was asked. */
function recordingConverse(inbound: Inbound, context?: ConversationContext): Turn {
  seen.push(inbound);
  contexts.push(context);
  return converse(inbound, context);
}

let config: FeishuConfig;

beforeAll(async () => {
  fake = await FakeFeishu.start();
  config = { mode: 'webhook', appId: APP_ID, appSecret: 'secret-123', encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, domain: fake.origin };
  adapter = createFeishuAdapter(config, { converse: recordingConverse, overview, store: forwardingStore(() => dedup), logger, pictures: new Pictures() }, { outbox: { retryDelayMs: 10 } });
  served = await serve(adapter, '/feishu/events');
  url = served.url;
});

afterAll(async () => {
  await adapter?.stop();
  await served?.close();
  await fake?.close();
});

beforeEach(() => {
  fake.reset();
  logs.length = 0;
  seen.length = 0;
  contexts.length = 0;
  dedup = new MemoryStore();
});

const p2p = (text: string) => messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text, senderOpenId: 'ou_asker7' });
const post = (ev: unknown) => deliver(url, ev, { encryptKey: ENCRYPT_KEY });

describe('what the core receives', () => {
  it('gets the text with Feishu\'s placeholders, the platform and the asker', async () => {
    await post(messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'group', text: '@_user_1 湖北', mentions: [{ key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: 'iiot' }], senderOpenId: 'ou_asker9' }));
    await adapter.idle();
    expect(seen).toEqual([{ text: '@_user_1 湖北', platform: 'feishu', userId: 'ou_asker9' }]);
  });

  it('gets a button\'s command as typed text', async () => {
    await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { cmd: 'tier rising --lang zh' }, openId: 'ou_clicker3' }));
    expect(seen).toEqual([{ text: 'tier rising --lang zh', platform: 'feishu', userId: 'ou_clicker3' }]);
    // A picture not drawn within the callback's wait is uploaded and patched in afterwards: let that
    // finish here, or its upload lands in the next test's record.
    await adapter.idle();
  });
});

const imgKey = (card: any) => card.body.elements.find((e: any) => e.tag === 'img')?.img_key;

describe('card pictures', () => {

  it('sends the card first, then uploads the map once and patches it in by image_key', async () => {
    await post(p2p('湖北'));
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    expect(imgKey(fake.delivered[0]!.card)).toBeUndefined(); // the card did not wait for the picture
    const uploads = fake.callsTo(/\/im\/v1\/images$/);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.body).toMatchObject({ imageType: 'message', fields: expect.arrayContaining(['image_type', 'image']) });
    const [patch] = fake.patched;
    expect(patch!.messageId).toBe(fake.delivered[0]!.messageId);
    const key = imgKey(patch!.card);
    expect(key).toMatch(/^img_v3_fake_/);
    // The uploaded bytes are the map: Hubei (western part, away from its label) in its tier's colour.
    const png = decodePng(fake.images.get(key)!);
    const hubei = handle({ text: '湖北', platform: 'feishu' }).card.image!;
    expect(dominantColor(png, ...mapPixel(hubei, 'zh', [110.8, 31.6]))).toBe(TIER_COLORS.leading);
    expect(patch!.card.body.elements.find((e: any) => e.tag === 'img').alt.content).toContain('湖北');

    // The same picture again: no second upload, the card carries it from the start.
    await post(p2p('湖北省是哪个梯队'));
    await adapter.idle();
    expect(fake.callsTo(/\/im\/v1\/images$/)).toHaveLength(1);
    expect(imgKey(fake.delivered[1]!.card)).toBe(key);
    expect(fake.patched).toHaveLength(1);
  });

  it('answers a click in time with the picture once uploaded', async () => {
    await post(p2p('湖北'));
    await adapter.idle();
    const res = await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { cmd: 'region hubei --lang zh' } }));
    expect(imgKey(res.body.card.data)).toMatch(/^img_v3_fake_/);
    expect(res.ms).toBeLessThan(3000);
  });

  it('answers a click at once when the picture is not ready, then patches it into the clicked card', async () => {
    await post(p2p('help'));
    await adapter.idle();
    const clicked = fake.delivered[0]!.messageId;
    fake.imageDelayMs = 2500; // longer than a callback may wait for it
    const res = await post(cardActionEvent({ appId: APP_ID, token: TOKEN, value: { cmd: 'region qinghai --lang en' }, messageId: clicked }));
    expect(res.body.card.data.header.title.content).toContain('Qinghai');
    expect(imgKey(res.body.card.data)).toBeUndefined();
    expect(res.ms).toBeLessThan(3000);
    await adapter.idle();
    expect(fake.patched).toHaveLength(1);
    expect(fake.patched[0]!.messageId).toBe(clicked);
    expect(imgKey(fake.patched[0]!.card)).toMatch(/^img_v3_fake_/);
    expect(fake.patched[0]!.card.header.title.content).toContain('Qinghai');
  }, 30_000);

  it('draws the tiers overview with the card\'s own chart component, uploading nothing', async () => {
    await post(p2p('四大梯队'));
    await adapter.idle();
    const chart = fake.delivered[0]!.card.body.elements.find((e: any) => e.tag === 'chart');
    expect(cardViolations(fake.delivered[0]!.card)).toEqual([]);
    expect(chart.chart_spec.data[0].values).toEqual([
      { tier: '示范引领', regions: 6 }, { tier: '快速崛起', regions: 11 }, { tier: '后发追赶', regions: 10 }, { tier: '孕育起步', regions: 4 },
    ]);
    expect(fake.callsTo(/\/im\/v1\/images$/)).toHaveLength(0);
  });

  it('shares an uploaded image key with another replica through the store', async () => {
    const replica = createFeishuAdapter(config, { converse: recordingConverse, overview, store: dedup, logger, pictures: new Pictures() }, { outbox: { retryDelayMs: 10 } });
    const replicaServed = await serve(replica, '/feishu/events');
    try {
      await post(p2p('地图'));
      await adapter.idle();
      await deliver(replicaServed.url, p2p('梯队分布图'), { encryptKey: ENCRYPT_KEY });
      await replica.idle();
      expect(fake.callsTo(/\/im\/v1\/images$/)).toHaveLength(1);
      // The first card has its picture patched in; the replica's carries the same key at once.
      expect(imgKey(fake.patched[0]!.card)).toMatch(/^img_v3_fake_/);
      expect(imgKey(fake.delivered[1]!.card)).toBe(imgKey(fake.patched[0]!.card));
    } finally {
      await replica.stop();
      await replicaServed.close();
    }
  }, 30_000);

  it('still delivers the text card when the upload fails, and logs it once', async () => {
    fake.fail(/\/im\/v1\/images$/, 500, { code: 99991663, msg: 'upload broke' }, 5);
    await post(p2p('西藏'));
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    expect(fake.delivered[0]!.card.header.title.content).toContain('西藏');
    expect(fake.patched).toHaveLength(0);
    // Given up by the outbox after its attempts: one line, at error, naming the upload.
    expect(logs.filter((l) => l.text.includes('picture upload') && l.text.includes('failed'))).toMatchObject([{ level: 'error' }]);
  });

  it('at shutdown, a picture still uploading is dropped at the deadline and logged once; the card went out', async () => {
    const stopping = createFeishuAdapter(config, { converse: recordingConverse, overview, store: new MemoryStore(), logger, pictures: new Pictures() }, { outbox: { retryDelayMs: 10 } });
    const stoppingServed = await serve(stopping, '/feishu/events');
    try {
      fake.hang(/\/im\/v1\/images$/); // Feishu takes the upload and does not answer
      await deliver(stoppingServed.url, p2p('地图'), { encryptKey: ENCRYPT_KEY });
      await fake.waitFor(() => fake.callsTo(/\/im\/v1\/images$/).length > 0, 20_000);
      expect(fake.delivered).toHaveLength(1);
      await stopping.stop(Date.now() + 300);
      expect(fake.patched).toHaveLength(0);
      expect(logs.filter((l) => l.text.includes('picture upload') && l.text.includes('shutdown deadline'))).toMatchObject([{ level: 'error' }]);
    } finally {
      await stoppingServed.close();
    }
  }, 30_000);
});

describe('one call per answer where the picture is known', () => {
  it('a picture uploaded before goes in the first card: the second answer is exactly one API call', async () => {
    await post(p2p('湖北'));
    await adapter.idle();
    const key = imgKey(fake.patched[0]!.card);
    expect(key).toMatch(/^img_v3_fake_/);
    const before = fake.calls.length;
    await post(p2p('湖北'));
    await adapter.idle();
    const second = fake.delivered[1]!;
    // One reply, carrying the image; no upload, no patch, nothing else.
    expect(fake.calls.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual([`POST /open-apis/im/v1/messages/${second.target}/reply`]);
    expect(imgKey(second.card)).toBe(key);
    expect(cardViolations(second.card)).toEqual([]);
  });
});

/** A Feishu adapter of the test's own (its pictures, its metrics), on its own port against the same fake. */
async function ownAdapter(pictures: Pictures, report: Reporter) {
  const own = createFeishuAdapter(config, { converse: recordingConverse, overview, store: new MemoryStore(), logger, pictures, report }, { outbox: { retryDelayMs: 10 } });
  const ownServed = await serve(own, '/feishu/events');
  return {
    adapter: own,
    post: (ev: unknown) => deliver(ownServed.url, ev, { encryptKey: ENCRYPT_KEY }),
    close: async () => {
      await own.stop(Date.now());
      await ownServed.close();
    },
  };
}

/** Different maps (each region highlighted), asked in chats of their own. */
const REGIONS = ['湖北', '西藏', '青海', '广东', '江苏', '四川'];
/** The chat each message was asked in, by its message_id. */
const chats = new Map<string, string>();
function inChat(text: string, i: number) {
  const ev = messageEvent({ appId: APP_ID, token: TOKEN, chatType: 'p2p', text, chatId: `oc_burst${i}`, senderOpenId: 'ou_asker7' });
  chats.set(ev.event.message.message_id, ev.event.message.chat_id);
  return ev;
}
/** The chat a delivered reply went to. */
const chatOf = (d: { target: string }) => chats.get(d.target)!;
const dropped = async (report: Reporter, reason: string) =>
  (await report.metrics.repliesDropped.get()).values.find((v) => v.labels.platform === 'feishu' && v.labels.reason === reason)?.value ?? 0;

describe('a burst of different pictures', () => {
  it('within the drawing queue\'s bound, every card gets its picture and nothing is shed', async () => {
    const report = createReporter(logger, createMetrics());
    const own = await ownAdapter(new Pictures(), report);
    try {
      await Promise.all(REGIONS.map((r, i) => own.post(inChat(r, i))));
      await own.adapter.idle();
      expect(fake.delivered).toHaveLength(REGIONS.length);
      expect(fake.patched.map((p) => p.messageId).sort()).toEqual(fake.delivered.map((d) => d.messageId).sort());
      expect(logs.filter((l) => l.level !== 'info' && l.level !== 'debug')).toEqual([]);
      expect(await dropped(report, 'shed')).toBe(0);
    } finally {
      await own.close();
    }
  }, 60_000);

  it('past the bound, each picture shed is logged as shed, naming its card and chat, and counted', async () => {
    const report = createReporter(logger, createMetrics());
    const own = await ownAdapter(new Pictures({ maxQueue: 2 }), report);
    try {
      await Promise.all(REGIONS.map((r, i) => own.post(inChat(r, i))));
      await own.adapter.idle();
      expect(fake.delivered).toHaveLength(REGIONS.length); // every card went out, pictures or not
      const shedLines = logs.filter((l) => / shed: /.test(l.text));
      const withPicture = new Set(fake.patched.map((p) => p.messageId));
      const without = fake.delivered.filter((d) => !withPicture.has(d.messageId));
      expect(without.length).toBeGreaterThan(0);
      // One warning per card left without its picture, saying why and where, never "drawing failed".
      expect(shedLines.map((l) => l.text).sort()).toEqual(without.map((d) =>
        `feishu: picture for ${d.messageId} in ${chatOf(d)} shed: 2 pictures already waiting to be drawn`).sort());
      expect(shedLines.every((l) => l.level === 'warn')).toBe(true);
      expect(logs.some((l) => l.text.includes('drawing failed'))).toBe(false);
      expect(await dropped(report, 'shed')).toBe(without.length);
    } finally {
      await own.close();
    }
  }, 60_000);
});

/** Pictures that are never done drawing: the shutdown deadline always finds them under way. */
class StuckPictures extends Pictures {
  override png(): Promise<Png> {
    return new Promise(() => {});
  }
}

describe('stopping with pictures still to follow', () => {
  it('logs one line per card whose picture was cut by the shutdown deadline, with the true reason, and counts it', async () => {
    const report = createReporter(logger, createMetrics());
    const own = await ownAdapter(new StuckPictures(), report);
    // Two cards want the same map (one drawing, shared), a third another.
    await Promise.all(['湖北', '湖北', '西藏'].map((r, i) => own.post(inChat(r, i))));
    // Each card is out (its event's line says answered), and its picture on its way.
    await fake.waitFor(() => logs.filter((l) => l.text.includes('"outcome":"answered"')).length === 3, 20_000);
    await own.close(); // the shutdown deadline is now
    const cut = logs.filter((l) => l.level === 'error').map((l) => l.text);
    expect(cut).toHaveLength(3);
    // Each card's one line: which card, in which chat, and why, by region.
    const why = (chat: string) => fake.delivered.filter((d) => chatOf(d) === chat).flatMap((d) =>
      cut.filter((t) => t.startsWith(`feishu: picture for ${d.messageId} in ${chat} left out: `)).map((t) => t.split(' left out: ')[1]));
    expect(why('oc_burst2')).toEqual(['not drawn by the shutdown deadline']);
    // Of the two cards with the same map, one was drawing it, the other waiting for that upload.
    expect([...why('oc_burst0'), ...why('oc_burst1')].sort()).toEqual([
      'its upload (for another card) not finished by the shutdown deadline', 'not drawn by the shutdown deadline',
    ]);
    expect(await dropped(report, 'failed')).toBe(3);
    expect(fake.patched).toHaveLength(0);
  }, 30_000);
});

describe('resilience', () => {
  it('still answers when the dedup store is down', async () => {
    const down = async () => { throw new Error('redis down'); };
    dedup = { claim: down, get: down, set: down };
    await post(p2p('湖北'));
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    expect(logs.some((l) => l.text.includes('dedup store failed'))).toBe(true);
  });

  it('gives up after a bounded number of attempts on a Feishu that keeps failing, logged once, without crashing', async () => {
    fake.fail(/\/reply$/, 500, 'boom', 10);
    await post(p2p('湖北'));
    await adapter.idle();
    expect(fake.callsTo(/\/reply$/)).toHaveLength(DEFAULT_OUTBOX_LIMITS.maxAttempts);
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(1);
    // Besides the cause, only the event's own line, which says it failed.
    expect(logs.filter((l) => l.level !== 'error')).toEqual([{ level: 'warn', text: expect.stringMatching(/"outcome":"failed".* event$/) }]);
  });
});

describe('event shapes', () => {
  const bot = { key: '@_user_1', id: { open_id: 'ou_bot' }, name: 'iiot' };
  const msg = (over: Record<string, unknown>) => ({ event_id: 'e', sender: { sender_type: 'user' }, message: { message_id: 'om_1', chat_type: 'group', message_type: 'text', content: '{"text":"@_user_1 湖北"}', mentions: [bot], ...over } });

  it('reads post content with or without a locale wrapper, mentions back as placeholders', () => {
    const body = { title: '提问', content: [[{ tag: 'at', user_id: 'ou_bot', user_name: 'iiot' }, { tag: 'text', text: '湖北' }], [{ tag: 'a', text: '链接', href: 'https://x' }, { tag: 'img', image_key: 'k' }]] };
    expect(postToText(JSON.stringify(body), [bot])).toBe('提问\n @_user_1 湖北\n链接');
    expect(postToText(JSON.stringify({ zh_cn: body }), [bot])).toBe('提问\n @_user_1 湖北\n链接');
    expect(postToText('not json')).toBe('');
  });

  it('classifies messages', () => {
    expect(classifyMessage(msg({}), 'ou_bot')).toEqual({ kind: 'text', text: '@_user_1 湖北' });
    expect(classifyMessage(msg({ mentions: [] }), 'ou_bot').kind).toBe('ignore');
    expect(classifyMessage(msg({}), undefined).kind).toBe('ignore');
    expect(classifyMessage({ ...msg({}), sender: { sender_type: 'app' } }, 'ou_bot').kind).toBe('ignore');
    expect(classifyMessage(msg({ chat_type: 'p2p', mentions: undefined, message_type: 'sticker', content: '{}' }), undefined)).toEqual({ kind: 'unsupported', messageType: 'sticker' });
  });

  it('takes only the commands this bot put on its buttons', () => {
    expect(commandFromAction({ action: { value: { cmd: 'tier' } } }, 500)).toBe('tier');
    expect(commandFromAction({ action: { value: '{"cmd":"tier"}' } }, 500)).toBe('tier');
    expect(commandFromAction({ action: { value: { cmd: 'x'.repeat(501) } } }, 500)).toBeUndefined();
    expect(commandFromAction({ action: { value: { other: 'tier' } } }, 500)).toBeUndefined();
  });

  it('defaults to English on Lark and Chinese on Feishu when there is no text to go by', () => {
    expect(defaultLangFor('https://open.larksuite.com')).toBe('en');
    expect(defaultLangFor('https://open.feishu.cn')).toBe('zh');
  });
});
