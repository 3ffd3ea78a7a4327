/**
 * Replies on their way out to a chat platform's API: one module for Slack and Feishu alike.
 *
 * Bounded on every side, so an API that slows down, rate-limits or stops answering costs log lines,
 * never unbounded memory or sockets:
 * - at most `maxPending` replies wait; beyond that new ones are shed;
 * - at most `concurrency` calls are open at once;
 * - a conversation has at most `perConversation` calls open, and a rate limit (Retry-After) or a
 *   backoff holds that conversation (every reply queued for it) while the others go on. Not one at a
 *   time: a busy group chat must not queue behind its own round trips (Slack allows bursts, Feishu
 *   5 sends a second per chat), and each reply answers its own message, so strict order buys nothing;
 * - an attempt that fails is retried at most `maxAttempts` times in all, with doubling backoff or
 *   the wait the API named, and never past the reply's deadline (`deadlineMs` after it was queued).
 * Each call itself is bounded by the platform client's timeout. A reply that is finally given up is
 * logged once, with its cause; the attempts in between are only debug.
 *
 * Backpressure: an adapter hands each inbound event's work to `admit()` before it acks the event.
 * While the backlog is full, the ack waits (at most `ackWaitMs`, well under the platforms' 3 s
 * re-delivery window) for room, so a platform that pushes faster than its API takes replies is
 * slowed down, as it is by an SDK that acks only after replying. When the wait runs out the event is
 * refused, not acked: its work never runs (nor claims it as seen), and the adapter answers so that
 * the platform delivers it again later. An acked event is never shed for want of room. What is still
 * shed (logged) is a reply no platform would deliver again: a button's, a picture after its card.
 *
 * Shutdown: `drain(deadline)` lets the replies under way finish, and the adapters' handlers still
 * running (`track`) queue theirs, until the deadline; what is left then is logged once each and dropped.
 */
import { seconds } from './deadline.js';
import type { Logger } from './log.js';

/**
 * Thrown where an event was refused (admit() said no) and the transport answers by failing: Feishu's
 * webhook turns it into a 503, node-sdk's WSClient into an ack frame with code 500. Either way the
 * platform delivers the event again.
 */
export class EventRefused extends Error {
  constructor() {
    super('event refused: the reply backlog is full; the platform will deliver it again');
    this.name = 'EventRefused';
  }
}

/** What a failed attempt means; each adapter reads its own platform's errors into this. */
export interface FailureVerdict {
  /** Worth another attempt: network error, timeout, 5xx, rate limit. */
  retry: boolean;
  /** The wait the API asked for (Slack `Retry-After`, Feishu `x-ogw-ratelimit-reset`). */
  retryAfterMs?: number;
  /** A short cause for the log: the API's error code, `HTTP 503`, `no answer within 10 s`. */
  reason: string;
}

export interface OutboxLimits {
  maxPending: number;
  concurrency: number;
  /** Calls open at once to one conversation. */
  perConversation: number;
  maxAttempts: number;
  /** From queueing to giving up, waits and retries included. */
  deadlineMs: number;
  /** The first retry's backoff; it doubles with each attempt. */
  retryDelayMs: number;
  /** The longest an event's ack waits in `admit()` for room in the backlog. */
  ackWaitMs: number;
}

/** What an adapter takes from the app (and tests) for its deliveries. */
export interface DeliveryOptions {
  /** Longest wait for one API call (config.apiTimeoutMs). */
  apiTimeoutMs?: number;
  outbox?: Partial<OutboxLimits>;
}

/** What the outbox reports as it goes (the app's metrics). */
export interface OutboxObserver {
  /** One API attempt failed (`method` names the call); `retrying` when the reply will be tried again. */
  attemptFailed(method: string, retrying: boolean): void;
  /** The number of replies pending changed. */
  pendingChanged(count: number): void;
  /** A reply was given up after its attempts (`failed`) or refused because the backlog was full or closed (`shed`). */
  dropped(why: 'failed' | 'shed'): void;
}

/**
 * Counters since start: replies delivered, retried attempts, replies given up and shed, and inbound
 * events refused (not acked, for the platform to deliver again) while the backlog was full.
 */
export interface DeliveryStats {
  pending: number;
  delivered: number;
  retries: number;
  failed: number;
  shed: number;
  refused: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = {
  maxPending: 1000,
  concurrency: 16,
  perConversation: 4,
  maxAttempts: 4,
  deadlineMs: 60_000,
  retryDelayMs: 1000,
  // Slack and Feishu re-deliver an event not acked within 3 s: leave room for the network and the rest
  // (a refusal is better answered at once than left to time out).
  ackWaitMs: 1500,
};

interface Reply {
  conversation: string;
  what: string;
  method: string;
  attempt: () => Promise<unknown>;
  attempts: number;
  deadline: number;
  lastReason?: string;
  settle: (delivered: boolean) => void;
}

interface Admission {
  start: () => void;
  refuse: (why: string) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Conversation {
  queue: Reply[];
  /** Calls open now. */
  busy: number;
  /** No attempt before this time (a rate limit or a backoff). */
  notBefore: number;
}

export class Outbox {
  readonly limits: OutboxLimits;
  private readonly conversations = new Map<string, Conversation>();
  private readonly inFlight = new Set<Reply>();
  private waiting = 0;
  private tracked = 0;
  private wakeTimer?: ReturnType<typeof setTimeout>;
  /** Set by drain(): no reply waits past it. */
  private shutdownDeadline = Infinity;
  private closed = false;
  /** A run of shed replies, or of refused events, is logged when it starts and when it ends, not once each. */
  private shedRun = 0;
  private refusedRun = 0;
  private lastFailure?: string;
  private idleWaiters: (() => void)[] = [];
  /** Events waiting in admit() for room, oldest first. */
  private readonly admissions = new Set<Admission>();
  private readonly counts = { delivered: 0, retries: 0, failed: 0, shed: 0, refused: 0 };

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    private readonly classify: (err: unknown) => FailureVerdict,
    limits: Partial<OutboxLimits> = {},
    private readonly observer?: OutboxObserver,
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_OUTBOX_LIMITS, ...limits };
  }

  /** Replies queued, backing off or being sent. */
  get pending(): number {
    return this.waiting;
  }

  get stats(): DeliveryStats {
    return { pending: this.waiting, ...this.counts };
  }

  /**
   * Queues one reply to `conversation` (a channel, a chat, a user). `attempt` makes one API call and
   * throws on failure; `method` names that call for metrics (default: `what`). Resolves true once
   * delivered, false if shed or given up (already logged); never rejects.
   */
  send(conversation: string, what: string, attempt: () => Promise<unknown>, method = what): Promise<boolean> {
    if (this.closed) {
      this.shed();
      this.logger.error(`${this.name}: ${what} dropped: the shutdown deadline has passed`);
      return Promise.resolve(false);
    }
    if (this.waiting >= this.limits.maxPending) {
      this.shed();
      if (this.shedRun++ === 0) {
        this.logger.error(`${this.name}: ${what} dropped, and further replies until the backlog clears: `
          + `${this.waiting} replies already pending (the API is not keeping up${this.lastFailure ? `; last failure: ${this.lastFailure}` : ''})`);
      }
      return Promise.resolve(false);
    }
    return new Promise((settle) => {
      let conv = this.conversations.get(conversation);
      if (!conv) this.conversations.set(conversation, (conv = { queue: [], busy: 0, notBefore: 0 }));
      conv.queue.push({ conversation, what, method, attempt, attempts: 0, deadline: this.now() + this.limits.deadlineMs, settle });
      this.waiting++;
      this.observer?.pendingChanged(this.waiting);
      this.pump();
    });
  }

  /**
   * Counts a handler's work until it settles, so that drain() also waits for replies not queued yet
   * (a handler still reading the store or rendering when the signal came).
   */
  track<T>(work: Promise<T>): Promise<T> {
    this.tracked++;
    return work.finally(() => {
      this.tracked--;
      this.endRuns();
      this.admitWaiting();
      this.notifyIfIdle();
    });
  }

  /**
   * Admits one inbound event's `work` (which queues its replies with send()) and tracks it. Call it
   * before acking the event: true once the work has started, at once while the backlog has room, else
   * as soon as room frees up; ack then. False when there was no room within `ackWaitMs` (or the outbox
   * is shutting down): the work never ran, and the event must not be acked but refused, so that the
   * platform delivers it again. Room counts the replies pending and the events still being handled,
   * each of which may be about to queue one, so an admitted event's reply always has room. Never
   * rejects: a work that rejects is logged.
   */
  admit(work: () => Promise<unknown>): Promise<boolean> {
    const start = () => void this.track(work()).catch((err: unknown) => this.logger.error(`${this.name}: event handler failed:`, err));
    if (this.closed) return Promise.resolve(this.refuse('shutting down'));
    if (this.admissions.size === 0 && this.hasRoom()) {
      start();
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const admission: Admission = {
        start: () => {
          clearTimeout(admission.timer);
          this.admissions.delete(admission);
          start();
          resolve(true);
        },
        refuse: (why) => {
          clearTimeout(admission.timer);
          this.admissions.delete(admission);
          resolve(this.refuse(why));
          this.notifyIfIdle();
        },
        timer: setTimeout(() => admission.refuse(`the reply backlog stayed full for ${seconds(this.limits.ackWaitMs)}`), this.limits.ackWaitMs),
      };
      this.admissions.add(admission);
    });
  }

  /** Counts a refused event; the first of a run is logged (the adapter logs each event's line). */
  private refuse(why: string): false {
    this.counts.refused++;
    if (this.refusedRun++ === 0) {
      this.logger.warn(`${this.name}: event refused, not acked (${why}; ${this.waiting} replies pending): the platform will deliver it again; `
        + 'further refusals until the backlog clears are counted');
    }
    return false;
  }

  private hasRoom(): boolean {
    return this.waiting + this.tracked < this.limits.maxPending;
  }

  /** Starts the events waiting for room, oldest first, as long as there is room. */
  private admitWaiting(): void {
    for (const admission of this.admissions) {
      if (!this.hasRoom()) return;
      admission.start(); // tracks its work at once, so the next check counts it
    }
  }

  /** Resolves once nothing is tracked or pending. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Shutdown: lets pending replies (and tracked handlers) finish until `deadline` (epoch ms); a reply
   * that would have to wait past it is given up at once. At the deadline every reply still pending
   * is logged once and dropped. Resolves by the deadline.
   */
  async drain(deadline: number): Promise<void> {
    this.shutdownDeadline = Math.min(this.shutdownDeadline, deadline);
    this.pump(); // replies backing off past the deadline give up now
    // Not settleBy(): its timer is unref'd, and this one must hold the process open until the deadline,
    // or a reply waiting out a backoff (whose timer is unref'd) would be lost unlogged at exit.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeUp = new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, deadline - this.now())); });
    await Promise.race([this.idle(), timeUp]);
    clearTimeout(timer);
    this.closed = true;
    clearTimeout(this.wakeTimer);
    // Not acked yet: refused, so the platform delivers them again (to another replica, or after the restart).
    for (const admission of this.admissions) admission.refuse('shutting down');

    for (const conv of this.conversations.values()) {
      for (const reply of conv.queue.splice(0)) this.giveUp(reply, 'not sent by the shutdown deadline');
    }
    // Calls still open cannot be taken back: their replies are reported now, their results ignored.
    for (const reply of this.inFlight) this.giveUp(reply, 'no answer from the API by the shutdown deadline');
    this.inFlight.clear();
  }

  private isIdle(): boolean {
    return this.waiting === 0 && this.tracked === 0 && this.admissions.size === 0;
  }

  private notifyIfIdle(): void {
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Starts every attempt that may start now, and sets a timer for the next one that must wait. */
  private pump(): void {
    if (this.closed) return;
    const now = this.now();
    let nextWake = Infinity;
    for (const [key, conv] of this.conversations) {
      if (conv.busy >= this.limits.perConversation) continue;
      const reply = conv.queue[0];
      if (!reply) {
        if (conv.busy === 0) this.conversations.delete(key);
        continue;
      }
      const start = Math.max(now, conv.notBefore);
      const deadline = Math.min(reply.deadline, this.shutdownDeadline);
      if (start >= deadline) {
        conv.queue.shift();
        // Whichever deadline came first is the true reason.
        const ownDeadline = reply.deadline <= this.shutdownDeadline;
        this.giveUp(reply, reply.lastReason
          ? `${reply.lastReason}; the next attempt would be past its ${ownDeadline ? 'deadline' : 'shutdown deadline'}`
          : ownDeadline ? `not sent within ${seconds(this.limits.deadlineMs)}` : 'not sent by the shutdown deadline');
        continue;
      }
      if (start > now) {
        nextWake = Math.min(nextWake, start);
        continue;
      }
      if (this.inFlight.size >= this.limits.concurrency) continue;
      conv.queue.shift();
      conv.busy++;
      // Round robin: a conversation that just sent goes to the back of the line (and, if it may send
      // more, is visited again in this loop after the others).
      this.conversations.delete(key);
      this.conversations.set(key, conv);
      void this.run(conv, reply);
    }
    clearTimeout(this.wakeTimer);
    if (nextWake < Infinity) {
      this.wakeTimer = setTimeout(() => this.pump(), nextWake - now);
      // A backoff alone must not keep the process alive; drain() decides how long to wait.
      this.wakeTimer.unref?.();
    }
  }

  private async run(conv: Conversation, reply: Reply): Promise<void> {
    this.inFlight.add(reply);
    reply.attempts++;
    let verdict: FailureVerdict | undefined;
    try {
      await reply.attempt();
    } catch (err) {
      verdict = this.classify(err);
      this.observer?.attemptFailed(reply.method, !this.closed && verdict.retry && reply.attempts < this.limits.maxAttempts);
    }
    this.inFlight.delete(reply);
    conv.busy--;
    if (this.closed) {
      // drain() has already reported this reply; a late result changes nothing.
    } else if (!verdict) {
      this.finish(reply, true);
    } else if (!verdict.retry || reply.attempts >= this.limits.maxAttempts) {
      this.giveUp(reply, `${verdict.reason}${reply.attempts > 1 ? ` (after ${reply.attempts} attempts)` : ''}`);
    } else {
      const wait = verdict.retryAfterMs ?? this.limits.retryDelayMs * 2 ** (reply.attempts - 1);
      this.counts.retries++;
      this.logger.debug(`${this.name}: ${reply.what} attempt ${reply.attempts} failed (${verdict.reason}); next in ${seconds(wait)}`);
      reply.lastReason = verdict.reason;
      this.lastFailure = verdict.reason;
      conv.notBefore = this.now() + wait;
      conv.queue.unshift(reply);
      if (!this.conversations.has(reply.conversation)) this.conversations.set(reply.conversation, conv);
    }
    this.pump();
  }

  private shed(): void {
    this.counts.shed++;
    this.observer?.dropped('shed');
  }

  private giveUp(reply: Reply, reason: string): void {
    this.lastFailure = reason;
    this.counts.failed++;
    this.observer?.dropped('failed');
    this.logger.error(`${this.name}: ${reply.what} failed: ${reason}`);
    this.finish(reply, false);
  }

  private finish(reply: Reply, delivered: boolean): void {
    this.waiting--;
    this.observer?.pendingChanged(this.waiting);
    if (delivered) this.counts.delivered++;
    reply.settle(delivered);
    this.endRuns();
    this.admitWaiting();
    this.notifyIfIdle();
  }

  /**
   * A run of shed replies (refused events) ends once the backlog, as admit() counts it, is down to
   * half, so a backlog hovering at its bound is one log line, not one per reply that squeezes in.
   */
  private endRuns(): void {
    if ((this.shedRun === 0 && this.refusedRun === 0) || this.waiting + this.tracked > this.limits.maxPending / 2) return;
    const what = [
      this.shedRun > 0 ? `${this.shedRun} replies were dropped` : '',
      this.refusedRun > 0 ? `${this.refusedRun} events were refused for redelivery` : '',
    ].filter(Boolean).join(' and ');
    this.logger.warn(`${this.name}: backlog down to ${this.waiting}; ${what} while it was full`);
    this.shedRun = 0;
    this.refusedRun = 0;
  }
}
