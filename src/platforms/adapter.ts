import type { Answer, ConversationContext, Inbound, Lang, Turn } from '../core/types.js';
import type { Store } from '../infra/store.js';
import type { Route } from '../infra/http-server.js';
import type { Logger } from '../infra/log.js';
import type { Pictures } from '../pictures/index.js';
import type { PictureLinks } from './picture-links.js';
import { Outbox, type DeliveryOptions, type DeliveryStats, type FailureVerdict } from '../infra/outbox.js';
import { createReporter, type Platform, type Reporter } from '../infra/report.js';

/** What the app hands every platform adapter: the one handler, and shared infrastructure. */
export interface AdapterDeps {
  /**
   * The one handler, inside a conversation: the context kept from its last answer in (none for a
   * question on its own), the answer and the context to keep out (conversations.ts keeps it).
   */
  converse: (inbound: Inbound, context?: ConversationContext) => Turn;
  /** How long a top-level DM or one-to-one chat continues its last context (CONVERSATION_WINDOW_MINUTES). */
  conversationWindowMs?: number;
  /** The overview card (tiers, figures, how to ask) for home screens such as Slack's App Home. */
  overview: (lang: Lang) => Answer;
  /** Shared state: delivery dedup and caches (memory, or Redis across replicas). */
  store: Store;
  logger: Logger;
  /** Draws cards' pictures (lazily, cached); without it cards go out without pictures. */
  pictures?: Pictures;
  /** With PUBLIC_BASE_URL: the public URL of a picture the bot serves itself (for messages that cannot carry a file). */
  pictureLinks?: PictureLinks;
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
  /**
   * Stops taking events, lets the replies under way finish until `deadline` (epoch ms; a default
   * shutdown deadline from now when omitted) and closes the platform's connections. Resolves by then.
   */
  stop(deadline?: number): Promise<void>;
  /** Why the adapter cannot answer right now (not started, long connection down, stopping); undefined when it can. */
  notReady(): string | undefined;
  /** The replies this adapter sends through its outbox: pending now, and counts since start. */
  deliveries?(): DeliveryStats;
}

/**
 * A platform's outbox, reporting as it goes: each failed API attempt and retry, the replies pending,
 * and each reply given up or shed become metrics, the same way for Slack and Feishu.
 */
export function createOutbox(
  platform: Platform, report: Reporter, logger: Logger, classify: (err: unknown) => FailureVerdict, options: DeliveryOptions = {},
): Outbox {
  return new Outbox(platform, logger, classify, options.outbox, {
    attemptFailed: (method, retrying) => report.apiError(platform, method, retrying),
    pendingChanged: (count) => report.pendingReplies(platform, count),
    dropped: (why) => report.replyDropped(platform, why),
  });
}
