import type { Answer, Inbound, Lang } from '../core/types.js';
import type { Store } from '../infra/store.js';
import type { Route } from '../infra/http-server.js';
import type { Logger } from '../infra/log.js';
import { createReporter, type Reporter } from '../infra/report.js';

/** What the app hands every platform adapter: the one handler, and shared infrastructure. */
export interface AdapterDeps {
  handle: (inbound: Inbound) => Answer;
  /** The overview card (tiers, figures, how to ask) for home screens such as Slack's App Home. */
  overview: (lang: Lang) => Answer;
  /** Shared state: delivery dedup and caches (memory, or Redis across replicas). */
  store: Store;
  logger: Logger;
  /** Where events, outcomes and API errors are reported (the log line per event, metrics). */
  report?: Reporter;
}

/** The reporter an adapter uses: the app's, or one of its own on the logger (adapters built alone, in tests). */
export const reporterOf = (deps: AdapterDeps): Reporter => deps.report ?? createReporter(deps.logger);

/** A connected chat platform. HTTP modes expose routes that the app mounts on its one server. */
export interface PlatformAdapter {
  readonly name: 'slack' | 'feishu';
  readonly routes: Route[];
  /** Connects (Socket Mode, long connection) or prepares (HTTP); resolves when ready. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Why the adapter cannot answer right now (not started, long connection down); undefined when it can. */
  notReady(): string | undefined;
}
