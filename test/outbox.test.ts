/**
 * The outbox's own rules, with attempts the test controls (the adapters' tests run it against the
 * fake APIs): order within a conversation, the shutdown drain, and giving up rather than waiting
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
  it('sends one reply at a time per conversation, in order, while other conversations go on', async () => {
    const box = outbox([]);
    const events: string[] = [];
    const call = (name: string, ms: number) => async () => {
      events.push(`${name} start`);
      await sleep(ms);
      events.push(`${name} end`);
    };
    const sent = await Promise.all([box.send('A', 'a1', call('a1', 150)), box.send('A', 'a2', call('a2', 10)), box.send('B', 'b1', call('b1', 10))]);
    expect(sent).toEqual([true, true, true]);
    expect(events.indexOf('b1 end')).toBeLessThan(events.indexOf('a1 end'));
    expect(events.indexOf('a2 start')).toBeGreaterThan(events.indexOf('a1 end'));
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
    const box = outbox(logs);
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
});
