import { describe, expect, it } from 'vitest';
import { DEDUP_TTL_MS, isFirstDelivery } from '../src/infra/dedup.js';
import { MemoryStore, type Store } from '../src/infra/store.js';

describe('MemoryStore', () => {
  it('claims a key once within its TTL, again after it expires', async () => {
    let now = 0;
    const store = new MemoryStore(10, () => now);
    expect(await store.claim('a', 1000)).toBe(true);
    expect(await store.claim('a', 1000)).toBe(false);
    now = 999;
    expect(await store.claim('a', 1000)).toBe(false);
    now = 1000;
    expect(await store.claim('a', 1000)).toBe(true);
  });

  it('outlives Feishu\'s re-push ladder (15 s, 5 min, 1 h, 6 h)', async () => {
    let now = 0;
    const store = new MemoryStore(10, () => now);
    await store.claim('ev', DEDUP_TTL_MS);
    for (const at of [15e3, 5 * 60e3, 60 * 60e3, 6 * 60 * 60e3 + 15 * 60e3]) {
      now = at;
      expect(await store.claim('ev', DEDUP_TTL_MS)).toBe(false);
    }
  });

  it('stays bounded: past its cap the oldest keys go first', async () => {
    const store = new MemoryStore(3);
    for (const k of ['a', 'b', 'c', 'd']) await store.claim(k, DEDUP_TTL_MS);
    expect(store.size).toBe(3);
    expect(await store.claim('a', DEDUP_TTL_MS)).toBe(true);
    expect(await store.claim('d', DEDUP_TTL_MS)).toBe(false);
  });

  it('keeps values until their TTL, the newest write winning', async () => {
    let now = 0;
    const store = new MemoryStore(10, () => now);
    await store.set('lang:u1', 'en', 1000);
    await store.set('lang:u1', 'zh', 1000);
    expect(await store.get('lang:u1')).toBe('zh');
    expect(await store.get('lang:u2')).toBeUndefined();
    now = 1000;
    expect(await store.get('lang:u1')).toBeUndefined();
  });
});

describe('isFirstDelivery', () => {
  it('is false when any key was seen (a message re-sent under a new event id)', async () => {
    const store = new MemoryStore();
    expect(await isFirstDelivery(store, ['event:1', 'msg:1'], () => {})).toBe(true);
    expect(await isFirstDelivery(store, ['event:2', 'msg:1'], () => {})).toBe(false);
    expect(await isFirstDelivery(store, [undefined, '', 'msg:2'], () => {})).toBe(true);
  });

  it('answers anyway when the store fails, and reports it', async () => {
    const down = () => Promise.reject(new Error('store down'));
    const broken: Store = { claim: down, get: down, set: down };
    const errors: unknown[] = [];
    expect(await isFirstDelivery(broken, ['event:1'], (e) => errors.push(e))).toBe(true);
    expect(errors).toHaveLength(1);
  });
});
