/**
 * Closed-loop HTTP load with autocannon at a fixed concurrency. autocannon's own latency histogram
 * has whole-millisecond buckets, too coarse for a 1.3× comparison of ~1–3 ms figures, so every
 * response time is also recorded here from its 'response' event (sub-µs precision).
 */
import autocannon from 'autocannon';
import { Samples, summarize } from './stats.js';

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

export interface LoadOptions {
  url: string;
  /** POSTed in turn, each connection cycling through the list. */
  requests: SignedRequest[];
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  amount?: number;
}

export interface LoadResult {
  /** Completed requests per second over the whole run. */
  rps: number;
  /** Latencies in ms (2xx only). */
  p50: number;
  p99: number;
  max: number;
  completed: number;
  /** Connection errors, timeouts and non-2xx answers together. */
  errors: number;
  seconds: number;
}

export async function load(opts: LoadOptions): Promise<LoadResult> {
  const latencies = new Samples();
  let ok = 0;
  let bad = 0;
  const instance = autocannon({
    url: opts.url,
    requests: opts.requests.map((r) => ({ method: 'POST', headers: r.headers, body: r.body })),
    connections: opts.connections,
    pipelining: 1,
    timeout: 10,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? 5 }),
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) {
      ok++;
      latencies.push(ms);
    } else {
      bad++;
    }
  });
  const result = await instance;
  const s = summarize(latencies.values());
  return {
    rps: ok / result.duration,
    p50: s.p50,
    p99: s.p99,
    max: s.max,
    completed: ok,
    errors: bad + result.errors + result.timeouts,
    seconds: result.duration,
  };
}
