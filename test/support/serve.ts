/**
 * A running adapter as the tests set one up: its HTTP routes on a fresh 127.0.0.1 port, and a store
 * the test can swap behind it.
 */
import type { AddressInfo } from 'node:net';
import { startHttpServer } from '../../src/infra/http-server.js';
import type { Store } from '../../src/infra/store.js';
import type { PlatformAdapter } from '../../src/platforms/adapter.js';

export interface Served {
  /** The route at `path`, e.g. http://127.0.0.1:40123/feishu/events. */
  url: string;
  /** Closes the server only: how the adapter stops (now, at a deadline, already) is the test's. */
  close(): Promise<void>;
}

/** Serves `adapter`'s routes on a fresh port, then starts it. */
export async function serve(adapter: PlatformAdapter, path: string): Promise<Served> {
  const server = await startHttpServer(adapter.routes, 0, '127.0.0.1');
  await adapter.start();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A store that forwards to whichever store `current()` gives now: a test swaps it behind a running adapter. */
export const forwardingStore = (current: () => Store): Store => ({
  claim: (key, ttlMs) => current().claim(key, ttlMs),
  get: (key) => current().get(key),
  set: (key, value, ttlMs) => current().set(key, value, ttlMs),
});
