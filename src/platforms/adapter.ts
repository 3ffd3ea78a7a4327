import type { Answer, Inbound, Lang } from '../core/types.js';
import type { Store } from '../infra/store.js';
import type { Route } from '../infra/http-server.js';
import type { Logger } from '../infra/log.js';
import type { Pictures } from '../pictures/index.js';

/** What the app hands every platform adapter: the one handler, and shared infrastructure. */
export interface AdapterDeps {
  handle: (inbound: Inbound) => Answer;
  /** The overview card (tiers, figures, how to ask) for home screens such as Slack's App Home. */
  overview: (lang: Lang) => Answer;
  /** Shared state: delivery dedup and caches (memory, or Redis across replicas). */
  store: Store;
  logger: Logger;
  /** Draws cards' pictures (lazily, cached); without it cards go out without pictures. */
  pictures?: Pictures;
}

/** A connected chat platform. HTTP modes expose routes that the app mounts on its one server. */
export interface PlatformAdapter {
  readonly name: 'slack' | 'feishu';
  readonly routes: Route[];
  /** Connects (Socket Mode, long connection) or prepares (HTTP); resolves when ready. */
  start(): Promise<void>;
  stop(): Promise<void>;
}
