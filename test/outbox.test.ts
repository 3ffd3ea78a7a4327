/**
 * The outbox's own rules, with attempts the test controls (the adapters' tests run it against the
 * fake APIs): limits per conversation, the shutdown drain, and giving up rather than waiting
 * past a deadline.
 */
import { describe, expect, it } from 'vitest';
import { Outbox, type FailureVerdict, type OutboxObserver } from '../src/infra/outbox.js';
import { capturingLogger, type LogLine } from './support/logs.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rateLimited = (afterMs: number): FailureVerdict => ({ retry: true, retryAfterMs: afterMs, reason: `rate limited for ${afterMs} ms` });

function outbox(logs: LogLine[], classify: (err: unknown) => FailureVerdict = () => ({ retry: false, reason: 'refused' }), limits = {}) {
  return new Outbox('test', capturingLogger(logs), classify, { retryDelayMs: 10, ...limits });
}

describe('Outbox', () => {
  it('sends at most `perConversation` replies at once to one conversation, while other conversations go on', async () => {
    const box = outbox([], undefined, { perConversation: 2 });
    const events: string[] = [];
    const call = (name: string, ms: number) => async () => {
      events.push(`${name} start`);
      await sleep(ms);
      events.push(`${name} end`);
    };
    const sent = await Promise.all([
      box.send('A', 'a1', call('a1', 150)), box.send('A', 'a2', call('a2', 150)), box.send('A', 'a3', call('a3', 10)),
      box.send('B', 'b1', call('b1', 10)),
    ]);
    expect(sent).toEqual([true, true, true, true]);
    expect(events.indexOf('b1 end')).toBeLessThan(events.indexOf('a1 end'));
    expect(events.indexOf('a2 start')).toBeLessThan(events.indexOf('a1 end'));
    expect(events.indexOf('a3 start')).toBeGreaterThan(Math.min(events.indexOf('a1 end'), events.indexOf('a2 end')));
  });

  it('holds the whole conversation while one of its replies waits out a rate limit, and no other', async () => {
    let limited = true;
    const box = outbox([], () => rateLimited(200));
    const started: string[] = [];
    const call = (name: string) => async () => {
      started.push(name);
      if (name === 'a1' && limited) {
        limited = false;
        throw new Error('429');
      }
    };
    const a1 = box.send('A', 'a1', call('a1'));
    await sleep(20);
    const rest = Promise.all([box.send('A', 'a2', call('a2')), box.send('B', 'b1', call('b1'))]);
    await sleep(100);
    expect(started).toEqual(['a1', 'b1']);
    expect(await Promise.all([a1, rest])).toEqual([true, [true, true]]);
    expect(started).toEqual(['a1', 'b1', 'a1', 'a2']);
  });

  it('gives up at once, logged once, when the wait the API asks for ends past the reply\'s deadline', async () => {
    const logs: LogLine[] = [];
    const box = outbox(logs, () => rateLimited(60_000), { deadlineMs: 5000 });
    let attempts = 0;
    expect(await box.send('A', 'reply to A', async () => { attempts++; throw new Error('429'); })).toBe(false);
    expect(attempts).toBe(1);
    expect(logs).toEqual([{ level: 'error', text: 'test: reply to A failed: rate limited for 60000 ms; the next attempt would be past its deadline' }]);
  });

  it('reports each failed attempt (retried or not), the backlog size and each reply given up or shed', async () => {
    const seen: string[] = [];
    const observer: OutboxObserver = {
      attemptFailed: (method, retrying) => seen.push(`${method} failed${retrying ? ', retrying' : ''}`),
      pendingChanged: (count) => seen.push(`pending ${count}`),
      dropped: (why) => seen.push(why),
    };
    let attempts = 0;
    const box = new Outbox('test', capturingLogger([]), () => ({ retry: true, reason: 'HTTP 503' }), { retryDelayMs: 10, maxAttempts: 2, maxPending: 1 }, observer);
    const first = box.send('A', 'reply to A', async () => { if (attempts++ === 0) throw new Error('503'); }, 'chat.postMessage');
    const second = box.send('B', 'reply to B', async () => {}, 'chat.postMessage'); // over the bound of 1
    expect([await first, await second]).toEqual([true, false]);
    const failing = box.send('C', 'reply to C', async () => { throw new Error('503'); }, 'chat.update');
    expect(await failing).toBe(false);
    expect(seen).toEqual([
      'pending 1', 'shed', 'chat.postMessage failed, retrying', 'pending 0',
      'pending 1', 'chat.update failed, retrying', 'chat.update failed', 'failed', 'pending 0',
    ]);
  });

  it('drain: finishes what it can by the deadline, sends replies queued meanwhile, logs each one left once', async () => {
    const logs: LogLine[] = [];
    // One call at a time to A, so A's second reply is still queued at the deadline.
    const box = outbox(logs, undefined, { perConversation: 1 });
    let release!: () => void;
    const stuck = box.send('A', 'reply to A', () => new Promise<void>((r) => { release = r; }));
    const queued = box.send('A', 'second reply to A', async () => {});
    // A handler still working when the signal comes queues its reply during the drain.
    const late = box.track(sleep(50).then(() => box.send('B', 'reply to B', async () => {})));
    const drained = box.drain(Date.now() + 400);
    expect(await late).toBe(true);
    await drained;
    expect(await stuck).toBe(false);
    expect(await queued).toBe(false);
    release();
    expect(logs.map((l) => l.text).sort()).toEqual([
      'test: reply to A failed: no answer from the API by the shutdown deadline',
      'test: second reply to A failed: not sent by the shutdown deadline',
    ]);
    expect(await box.send('C', 'after', async () => {})).toBe(false);
    expect(logs.at(-1)!.text).toBe('test: after dropped: the shutdown deadline has passed');
  });

  it('drain: a reply whose turn comes after the shutdown deadline is logged with that deadline as its reason', async () => {
    const logs: LogLine[] = [];
    let now = 1_000;
    const box = new Outbox('test', capturingLogger(logs), () => ({ retry: false, reason: 'refused' }), { perConversation: 1 }, undefined, () => now);
    let release!: () => void;
    const first = box.send('A', 'reply to A', () => new Promise<void>((r) => { release = r; }));
    const second = box.send('A', 'picture upload for A', async () => {});
    const drained = box.drain(now + 100);
    now += 200; // the first reply is answered after the shutdown deadline: the second's turn comes too late
    release();
    expect(await first).toBe(true);
    expect(await second).toBe(false);
    await drained;
    // Not "not sent within 60 s": its own deadline was far off.
    expect(logs.map((l) => l.text)).toEqual(['test: picture upload for A failed: not sent by the shutdown deadline']);
  });

  it('admit: an event goes ahead at once while there is room, waits for room while the backlog is full, and is refused (never run) after ackWaitMs', async () => {
    const logs: LogLine[] = [];
    const box = outbox(logs, undefined, { maxPending: 2, ackWaitMs: 300 });
    const releases: (() => void)[] = [];
    const slow = () => box.send('A', 'reply', () => new Promise<void>((r) => releases.push(r)));
    const order: string[] = [];
    // Each event's work counts until it settles, and its reply besides: the first fills the backlog.
    expect(await box.admit(async () => { order.push('e1'); await slow(); })).toBe(true);
    const e2 = box.admit(async () => { order.push('e2'); await slow(); }).then((ok) => order.push(`e2 admitted ${ok}`));
    const e3 = box.admit(async () => { order.push('e3'); }).then((ok) => order.push(`e3 admitted ${ok}`));
    await sleep(50);
    expect(order).toEqual(['e1']);
    releases.shift()!(); // e1's reply is delivered: room for e2, the oldest waiting
    await e2;
    expect(order).toEqual(['e1', 'e2', 'e2 admitted true']);
    // e2 fills the backlog again and its API never answers: e3 is refused when its wait runs out, its work never run.
    await e3;
    expect(order).toEqual(['e1', 'e2', 'e2 admitted true', 'e3 admitted false']);
    expect(box.stats).toMatchObject({ refused: 1, shed: 0 });
    expect(logs.map((l) => `${l.level} ${l.text}`)).toEqual([
      'warn test: event refused, not acked (the reply backlog stayed full for 0.3 s; 1 replies pending): the platform will deliver it again; further refusals until the backlog clears are counted',
    ]);
    releases.shift()!();
    await box.idle();
    expect(logs.at(-1)!.text).toBe('test: backlog down to 0; 1 events were refused for redelivery while it was full');
  });

  it('admit: events still waiting for room when the shutdown deadline comes are refused, not run and dropped', async () => {
    const box = outbox([], undefined, { maxPending: 1, ackWaitMs: 10_000 });
    expect(await box.admit(() => box.send('A', 'reply', () => new Promise<void>(() => {})))).toBe(true);
    let ran = false;
    const waiting = box.admit(async () => { ran = true; });
    await box.drain(Date.now() + 50);
    expect(await waiting).toBe(false);
    expect(await box.admit(async () => { ran = true; })).toBe(false);
    expect(ran).toBe(false);
    expect(box.stats.refused).toBe(2);
  });
});
