/**
 * The Store contract, run against both implementations: the in-memory store and the Redis store on a
 * real redis-server (started here on a free loopback port). Then what only Redis has: key prefixes,
 * and what the bot does when Redis is down at start, lost mid-run, frozen, and back again.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type RedisConfig } from '../src/infra/config.js';
import { DEDUP_TTL_MS, isFirstDelivery } from '../src/infra/dedup.js';
import { RedisStore } from '../src/infra/redis-store.js';
import { MemoryStore, openStore, type Store } from '../src/infra/store.js';
import { freePort, RedisServer } from './support/redis.js';
import { capturingLogger, quietLogger, type LogLine } from './support/logs.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let seq = 0;
const fresh = (what: string) => `${what}:${process.pid}:${++seq}`;

let redis: RedisServer;
const opened: Store[] = [];
const redisConfig = (keyPrefix = 'iiot-test:'): RedisConfig => ({ url: redis.url, keyPrefix });
const openRedis = async (config = redisConfig(), logger = quietLogger) => {
  const store = await RedisStore.open(config, logger);
  opened.push(store);
  return store;
};

beforeAll(async () => {
  redis = await RedisServer.start();
}, 30_000);

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close?.()));
});

afterAll(async () => {
  await redis?.close();
});

/** Two handles on one shared state: what two replicas of the bot see. */
const implementations: [string, () => Promise<[Store, Store]>][] = [
  ['MemoryStore', async () => { const s = new MemoryStore(); return [s, s]; }],
  ['RedisStore', async () => [await openRedis(), await openRedis()]],
];

describe.each(implementations)('Store contract: %s', (_name, pair) => {
  it('claims a key once, whoever asks second (the other replica included)', async () => {
    const [a, b] = await pair();
    const key = fresh('event');
    expect(await a.claim(key, DEDUP_TTL_MS)).toBe(true);
    expect(await a.claim(key, DEDUP_TTL_MS)).toBe(false);
    expect(await b.claim(key, DEDUP_TTL_MS)).toBe(false);
    expect(await b.claim(fresh('event'), DEDUP_TTL_MS)).toBe(true);
  });

  it('gives a key to exactly one of many simultaneous claims (atomic set-if-absent)', async () => {
    const [a, b] = await pair();
    const key = fresh('race');
    const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim(key, DEDUP_TTL_MS)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('lets a key be claimed again once its TTL has passed', async () => {
    const [a, b] = await pair();
    const key = fresh('short');
    expect(await a.claim(key, 200)).toBe(true);
    await sleep(500);
    expect(await b.claim(key, 200)).toBe(true);
  });

  it('keeps values until their TTL, the newest write winning, across replicas', async () => {
    const [a, b] = await pair();
    const key = fresh('lang');
    expect(await b.get(key)).toBeUndefined();
    await a.set(key, 'en', DEDUP_TTL_MS);
    await b.set(key, 'zh', DEDUP_TTL_MS);
    expect(await a.get(key)).toBe('zh');
    const brief = fresh('brief');
    await a.set(brief, 'x', 200);
    await sleep(500);
    expect(await b.get(brief)).toBeUndefined();
  });

  it('drops a message re-sent under a new event id, at either replica', async () => {
    const [a, b] = await pair();
    const message = fresh('msg');
    expect(await isFirstDelivery(a, [fresh('event'), message], () => {})).toBe(true);
    expect(await isFirstDelivery(b, [fresh('event'), message], () => {})).toBe(false);
  });

  it('is ready while its state is reachable', async () => {
    const [a] = await pair();
    expect(a.ready?.() ?? true).toBe(true);
  });
});

describe('RedisStore', () => {
  const raw = () => {
    const client = new Redis(redis.url, { lazyConnect: true });
    return { client, done: () => client.quit() };
  };

  it('keeps dedup keys under its prefix, for at least 7 h, apart from another bot\'s prefix', async () => {
    const mine = await openRedis(redisConfig('bot-a:'));
    const theirs = await openRedis(redisConfig('bot-b:'));
    const key = fresh('slack:event');
    expect(await mine.claim(key, DEDUP_TTL_MS)).toBe(true);
    expect(await theirs.claim(key, DEDUP_TTL_MS)).toBe(true);
    const { client, done } = raw();
    try {
      expect(await client.exists(`bot-a:${key}`, `bot-b:${key}`)).toBe(2);
      expect(await client.exists(key)).toBe(0);
      expect(await client.pttl(`bot-a:${key}`)).toBeGreaterThanOrEqual(7 * 60 * 60 * 1000);
    } finally {
      await done();
    }
  });

  it('answers from memory when Redis is down at start, warns once, and shares again once it is up', async () => {
    const port = await freePort();
    const logs: LogLine[] = [];
    const store = await openRedis({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'late:' }, capturingLogger(logs));
    expect(store.ready()).toBe(false);
    const key = fresh('event');
    expect(await store.claim(key, DEDUP_TTL_MS)).toBe(true);
    expect(await store.claim(key, DEDUP_TTL_MS)).toBe(false);
    for (let i = 0; i < 20; i++) await store.claim(fresh('event'), DEDUP_TTL_MS);
    const late = await RedisServer.start(port);
    try {
      await waitUntil(() => store.ready(), 'the store to reconnect');
      // The key claimed during the outage stays claimed here; new keys are shared with other replicas.
      expect(await store.claim(key, DEDUP_TTL_MS)).toBe(false);
      const shared = fresh('event');
      expect(await store.claim(shared, DEDUP_TTL_MS)).toBe(true);
      const other = await openRedis({ url: late.url, keyPrefix: 'late:' });
      expect(await other.claim(shared, DEDUP_TTL_MS)).toBe(false);
      expect(warnings(logs)).toEqual([expect.stringMatching(/^redis: unreachable \(ECONNREFUSED\).*memory/)]);
      expect(logs.filter((l) => l.level === 'info').map((l) => l.text)).toContainEqual(expect.stringMatching(/redis: reachable again/));
    } finally {
      await store.close();
      await late.close();
    }
  }, 30_000);

  it('keeps answering when Redis is lost mid-run, warns once, and uses it again when it returns', async () => {
    const logs: LogLine[] = [];
    const store = await openRedis(redisConfig('lost:'), capturingLogger(logs));
    expect(store.ready()).toBe(true);
    expect(logs.map((l) => l.text)).toEqual(['redis: connected; keys under lost:']);
    await redis.stop();
    const during = fresh('event');
    expect(await store.claim(during, DEDUP_TTL_MS)).toBe(true);
    expect(await store.claim(during, DEDUP_TTL_MS)).toBe(false);
    await store.set('lang:u1', 'en', DEDUP_TTL_MS);
    expect(await store.get('lang:u1')).toBe('en');
    for (let i = 0; i < 20; i++) expect(await store.claim(fresh('event'), DEDUP_TTL_MS)).toBe(true);
    expect(store.ready()).toBe(false);
    await redis.resume();
    await waitUntil(() => store.ready(), 'the store to reconnect');
    const after = fresh('event');
    expect(await store.claim(after, DEDUP_TTL_MS)).toBe(true);
    expect(await (await openRedis(redisConfig('lost:'))).claim(after, DEDUP_TTL_MS)).toBe(false);
    expect(warnings(logs)).toHaveLength(1);
    expect(warnings(logs)[0]).toMatch(/^redis: unreachable/);
  }, 30_000);

  it('never waits on a Redis that stopped answering: the command times out, memory answers, Redis is tried again later', async () => {
    const logs: LogLine[] = [];
    const store = await openRedis(redisConfig('frozen:'), capturingLogger(logs));
    redis.pause();
    try {
      const key = fresh('event');
      const claims = await Promise.all([store.claim(key, DEDUP_TTL_MS), store.claim(fresh('event'), DEDUP_TTL_MS)]);
      expect(claims).toEqual([true, true]);
      expect(await store.claim(key, DEDUP_TTL_MS)).toBe(false);
      for (let i = 0; i < 20; i++) expect(await store.claim(fresh('event'), DEDUP_TTL_MS)).toBe(true);
      expect(store.ready()).toBe(false); // what /readyz reports meanwhile
      expect(warnings(logs)).toEqual([expect.stringMatching(/^redis: unreachable \(.*timed out.*\)/i)]);
    } finally {
      redis.unpause();
    }
    // Answers again from Redis as soon as it does.
    await waitUntil(async () => (await store.claim(fresh('probe'), DEDUP_TTL_MS)) && store.ready(), 'Redis to answer again');
    expect(logs.map((l) => l.text)).toContainEqual(expect.stringMatching(/redis: reachable again/));
  }, 30_000);

  it('is not ready once closed, and stays closed', async () => {
    const store = await openRedis();
    await store.close();
    expect(store.ready()).toBe(false);
    await sleep(300);
    expect(store.ready()).toBe(false);
  });

  it('is what openStore gives when REDIS_URL is set, and memory without it', async () => {
    const config = loadConfig({ REDIS_URL: redis.url });
    expect(config.redis).toEqual({ url: redis.url, keyPrefix: 'iiot:' });
    const store = await openStore(config.redis, quietLogger);
    opened.push(store);
    expect(store).toBeInstanceOf(RedisStore);
    expect(await openStore(loadConfig({}).redis, quietLogger)).toBeInstanceOf(MemoryStore);
  });
});

describe('REDIS_URL and REDIS_PREFIX', () => {
  it.each(['localhost:6379', 'http://127.0.0.1:6379', 'redis://', 'not a url'])('refuses REDIS_URL=%s with one line naming it', (value) => {
    expect(() => loadConfig({ REDIS_URL: value })).toThrow(/^REDIS_URL is not valid: a URL such as redis:\/\/127\.0\.0\.1:6379\/0/);
  });

  it('never repeats the URL, which may hold a password', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://:hunter2@' })).toThrow(/^REDIS_URL is not valid/);
    try {
      loadConfig({ REDIS_URL: 'redis://:hunter2@' });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('takes a TLS URL with credentials and a database, and a prefix of one\'s own', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://bot:s3cret@redis.internal:6380/2', REDIS_PREFIX: 'team-a:iiot:' }).redis)
      .toEqual({ url: 'rediss://bot:s3cret@redis.internal:6380/2', keyPrefix: 'team-a:iiot:' });
  });

  it('refuses a prefix with spaces', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1', REDIS_PREFIX: 'my bot' })).toThrow(/^REDIS_PREFIX is not valid/);
  });
});

function warnings(logs: LogLine[]): string[] {
  return logs.filter((l) => l.level === 'warn').map((l) => l.text);
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
