import type { RedisConfig } from './config.js';
import type { Logger } from './log.js';

/**
 * Shared state behind one interface: delivery deduplication, caches (uploaded picture ids, a user's
 * answer language). In memory for one process; Redis when several replicas must agree.
 */
export interface Store {
  /** Atomic set-if-absent with a TTL: true only for the caller that set the key. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Whether the shared backend is reachable now (absent: always ready, as memory is). */
  ready?(): boolean;
  /** Releases connections; the bot calls it on stop. */
  close?(): Promise<void>;
}

/**
 * In-process store. Entries expire by TTL; the oldest are dropped past `maxEntries` so memory stays
 * bounded under load. Map iteration is insertion order, so the oldest entries come first.
 */
export class MemoryStore implements Store {
  private readonly entries = new Map<string, { value: string; expiry: number }>();

  constructor(private readonly maxEntries = 100_000, private readonly now = () => Date.now()) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (this.live(key) !== undefined) return false;
    this.put(key, '1', ttlMs);
    return true;
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.put(key, value, ttlMs);
  }

  get size(): number {
    return this.entries.size;
  }

  private live(key: string): string | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expiry > this.now() ? entry.value : undefined;
  }

  private put(key: string, value: string, ttlMs: number): void {
    const t = this.now();
    this.entries.delete(key); // re-inserted at the end: the newest
    this.entries.set(key, { value, expiry: t + ttlMs });
    for (const [k, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && entry.expiry > t) break;
      this.entries.delete(k);
    }
  }
}

/** The memory store, or Redis when configured (its client is loaded only then). */
export async function openStore(redis: RedisConfig | undefined, logger: Logger): Promise<Store> {
  if (!redis) return new MemoryStore();
  const { RedisStore } = await import('./redis-store.js');
  return RedisStore.open(redis, logger);
}
