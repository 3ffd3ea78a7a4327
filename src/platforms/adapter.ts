import type { Answer, Inbound, Lang } from '../core/types.js';
import type { Store } from '../infra/store.js';
import type { Route } from '../infra/http-server.js';
import type { Logger } from '../infra/log.js';
import type { DeliveryStats } from '../infra/outbox.js';

/** What the app hands every platform adapter: the one handler, and shared infrastructure. */
export interface AdapterDeps {
  handle: (inbound: Inbound) => Answer;
  /** The overview card (tiers, figures, how to ask) for home screens such as Slack's App Home. */
  overview: (lang: Lang) => Answer;
  /** Shared state: delivery dedup and caches (memory, or Redis across replicas). */
  store: Store;
  logger: Logger;
}

/** A connected chat platform. HTTP modes expose routes that the app mounts on its one server. */
export interface PlatformAdapter {
  readonly name: 'slack' | 'feishu';
  readonly routes: Route[];
  /** Connects (Socket Mode, long connection) or prepares (HTTP); resolves when ready. */
  start(): Promise<void>;
  /**
   * Stops taking events, lets the replies under way finish until `deadline` (epoch ms; a default
   * shutdown deadline from now when omitted) and closes the platform's connections. Resolves by then.
   */
  stop(deadline?: number): Promise<void>;
  /** The replies this adapter sends through its outbox: pending now, and counts since start (metrics). */
  deliveries?(): DeliveryStats;
}
