/**
 * Prometheus metrics (prom-client), served as `GET /metrics`. One registry per running bot, so
 * several bots in one process (tests) never share counts. Adapters do not touch these: they report
 * through `Reporter` (report.ts), which logs and counts in one place.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Platform = 'slack' | 'feishu';

export interface Metrics {
  readonly registry: Registry;
  readonly events: Counter<'platform' | 'kind' | 'outcome'>;
  readonly latency: Histogram<'platform' | 'kind'>;
  readonly duplicates: Counter<'platform'>;
  readonly rejected: Counter<'platform' | 'status'>;
  readonly apiErrors: Counter<'platform' | 'method'>;
  readonly apiRetries: Counter<'platform' | 'method'>;
  readonly pendingReplies: Gauge<'platform'>;
  readonly repliesDropped: Counter<'platform' | 'reason'>;
  readonly connectionUp: Gauge<'platform'>;
  readonly processErrors: Counter<'kind'>;
}

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  // Resident memory, CPU, event-loop lag, open handles: what an operator checks first.
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'iiot_' });
  return {
    registry,
    events: new Counter({
      name: 'iiot_events_total', help: 'Inbound events handled, by platform, kind and outcome',
      labelNames: ['platform', 'kind', 'outcome'], registers,
    }),
    latency: new Histogram({
      name: 'iiot_answer_latency_seconds', help: 'From receiving an event to its answer being acked or sent',
      labelNames: ['platform', 'kind'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    duplicates: new Counter({
      name: 'iiot_duplicates_suppressed_total', help: 'Re-deliveries answered no second time',
      labelNames: ['platform'], registers,
    }),
    rejected: new Counter({
      name: 'iiot_requests_rejected_total', help: 'HTTP requests refused before dispatch (bad signature, bad body, too large)',
      labelNames: ['platform', 'status'], registers,
    }),
    apiErrors: new Counter({
      name: 'iiot_api_errors_total', help: 'Platform API calls that failed (each attempt)',
      labelNames: ['platform', 'method'], registers,
    }),
    apiRetries: new Counter({
      name: 'iiot_api_retries_total', help: 'Failed platform API calls that will be tried again',
      labelNames: ['platform', 'method'], registers,
    }),
    pendingReplies: new Gauge({
      name: 'iiot_pending_replies', help: 'Replies accepted and not yet sent or given up',
      labelNames: ['platform'], registers,
    }),
    repliesDropped: new Counter({
      name: 'iiot_replies_dropped_total', help: 'Replies and card pictures not delivered: given up after their attempts or cut by the shutdown deadline (failed), or refused with a backlog or the drawing queue full (shed)',
      labelNames: ['platform', 'reason'], registers,
    }),
    connectionUp: new Gauge({
      name: 'iiot_connection_up', help: '1 while the platform is connected (long connection) or ready (HTTP)',
      labelNames: ['platform'], registers,
    }),
    processErrors: new Counter({
      name: 'iiot_process_errors_total', help: 'Unhandled rejections and uncaught exceptions, logged and survived',
      labelNames: ['kind'], registers,
    }),
  };
}
