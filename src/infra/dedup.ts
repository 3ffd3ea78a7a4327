import type { Store } from './store.js';

/** Feishu re-pushes for about 7.1 h (15 s, 5 min, 1 h, 6 h): keys must outlive that. */
export const DEDUP_TTL_MS = 8 * 60 * 60 * 1000;

/**
 * True on the first delivery under every key (a retried event, or one message re-sent under a new
 * event id, is caught by either). A broken store costs a possible duplicate, never the reply.
 */
export async function isFirstDelivery(
  store: Store,
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
