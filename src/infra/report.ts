/**
 * The one place where what happened becomes a log line and metrics. Adapters say what happened
 * (an event began, how it ended, an API call failed, a request was refused); this module decides
 * the log format and the counters, the same for Slack and Feishu.
 *
 * One info line per event handled:
 *   {"level":"info","msg":"event","req":"8f0c…","platform":"slack","kind":"mention","ref":"Ev123",
 *    "intent":"region","outcome":"answered","latency_ms":4.1}
 * User text is logged only at debug, on its own line with the same `req`.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from './log.js';
import { createMetrics, type Metrics, type Platform } from './metrics.js';

export type { Platform };
/** What kind of inbound event: a slash command, @mention, direct message, button, shortcut, home tab, bot menu, any other… */
export type EventKind = 'command' | 'mention' | 'dm' | 'message' | 'action' | 'shortcut' | 'home' | 'menu' | 'other';
/**
 * answered: a reply was acked or sent; duplicate: a re-delivery, not answered again; ignored: nothing
 * to answer; failed: the reply could not be sent; refused: not acked while the reply backlog was full,
 * for the platform to deliver again.
 */
export type Outcome = 'answered' | 'duplicate' | 'ignored' | 'failed' | 'refused';

export interface EventDetails {
  intent?: string;
  /** What the user typed: debug level only. */
  text?: string;
  /** Why an event was ignored or failed (short, no user text). */
  reason?: string;
  /** The event's body was not what the platform sends (ignored all the same): its line is a warning. */
  malformed?: boolean;
}

export interface EventReport {
  /** Request id, on every line about this event. */
  readonly id: string;
  /** Adds details known before the end (the intent, the text). */
  note(details: EventDetails): void;
  /** Reports the outcome; only the first call counts. */
  done(outcome: Outcome, details?: EventDetails): void;
}

export interface Reporter {
  readonly metrics: Metrics;
  /** Starts one inbound event. `ref` is the platform's id for it (event_id, message_id…). */
  begin(platform: Platform, kind: EventKind, ref?: string): EventReport;
  /** An HTTP request refused before it became an event (bad signature, malformed body, too large). */
  rejected(platform: Platform, status: number, reason: string): void;
  /** A platform API call failed; `retrying` when it will be tried again. */
  apiError(platform: Platform, method: string, retrying: boolean): void;
  /** How many replies are accepted and not yet sent (the outbox sets it). */
  pendingReplies(platform: Platform, count: number): void;
  /** A reply or card picture given up (or cut by the shutdown deadline), or shed from a full backlog or drawing queue (logged where it happens). */
  replyDropped(platform: Platform, why: 'failed' | 'shed'): void;
  /** A long connection went down or came back (HTTP-mode adapters report up once ready). */
  connection(platform: Platform, up: boolean): void;
}

export function createReporter(logger: Logger, metrics: Metrics = createMetrics()): Reporter {
  return {
    metrics,
    begin(platform, kind, ref) {
      const id = randomUUID();
      const started = performance.now();
      const noted: EventDetails = {};
      let finished = false;
      const note = (d: EventDetails = {}) => {
        Object.assign(noted, d);
        if (d.text !== undefined) logger.debug({ req: id, platform, kind, text: d.text }, 'event text');
      };
      return {
        id,
        note,
        done(outcome, details) {
          if (finished) return;
          finished = true;
          note(details);
          const seconds = (performance.now() - started) / 1000;
          metrics.events.inc({ platform, kind, outcome });
          if (outcome === 'duplicate') metrics.duplicates.inc({ platform });
          if (outcome === 'answered') metrics.latency.observe({ platform, kind }, seconds);
          const line = {
            req: id, platform, kind, ...(ref ? { ref } : {}),
            ...(noted.intent ? { intent: noted.intent } : {}), outcome,
            ...(noted.reason ? { reason: noted.reason } : {}),
            latency_ms: Math.round(seconds * 10_000) / 10,
          };
          if (outcome === 'failed' || noted.malformed) logger.warn(line, 'event');
          else logger.info(line, 'event');
        },
      };
    },
    rejected(platform, status, reason) {
      metrics.rejected.inc({ platform, status: String(status) });
      logger.warn({ platform, status, reason }, 'request rejected');
    },
    apiError(platform, method, retrying) {
      metrics.apiErrors.inc({ platform, method });
      if (retrying) metrics.apiRetries.inc({ platform, method });
    },
    pendingReplies(platform, count) {
      metrics.pendingReplies.set({ platform }, count);
    },
    replyDropped(platform, why) {
      metrics.repliesDropped.inc({ platform, reason: why });
    },
    connection(platform, up) {
      metrics.connectionUp.set({ platform }, up ? 1 : 0);
    },
  };
}
