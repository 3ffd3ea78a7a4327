/**
 * Remembers which deliveries were already handled, so platform retries never produce a second reply.
 * `claim` is an atomic set-if-absent: true the first time a key is seen within its TTL.
 */
export interface DedupStore {
  claim(key: string, ttlMs: number): Promise<boolean>;
}

/** Feishu re-pushes for about 7.1 h (15 s, 5 min, 1 h, 6 h): keys must outlive that. */
export const DEDUP_TTL_MS = 8 * 60 * 60 * 1000;

/**
 * In-process store. Entries expire by TTL; the oldest are dropped past `maxEntries` so memory stays
 * bounded under load. Map iteration is insertion order, so the oldest entries come first.
 */
export class MemoryDedupStore implements DedupStore {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000, private readonly now = () => Date.now()) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const t = this.now();
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > t) return false;
    this.expiries.delete(key);
    this.expiries.set(key, t + ttlMs);
    this.evict(t);
    return true;
  }

  get size(): number {
    return this.expiries.size;
  }

  private evict(t: number): void {
    for (const [key, expiry] of this.expiries) {
      if (this.expiries.size <= this.maxEntries && expiry > t) break;
      this.expiries.delete(key);
    }
  }
}

/**
 * True on the first delivery under every key (a retried event, or one message re-sent under a new
 * event id, is caught by either). A broken store costs a possible duplicate, never the reply.
 */
export async function isFirstDelivery(
  store: DedupStore,
  keys: (string | undefined)[],
  onStoreError: (err: unknown) => void,
): Promise<boolean> {
  try {
    for (const key of keys) {
      if (key && !(await store.claim(key, DEDUP_TTL_MS))) return false;
    }
  } catch (err) {
    onStoreError(err);
  }
  return true;
}
