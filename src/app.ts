import type { Server } from 'node:http';
import { handle, overview } from './core/handle.js';
import { ConfigError, secretsOf, type Config } from './infra/config.js';
import { MemoryStore, type Store } from './infra/store.js';
import { startHttpServer, type Ops, type Route } from './infra/http-server.js';
import { createLogger, type Logger } from './infra/log.js';
import { createMetrics } from './infra/metrics.js';
import { guardProcess } from './infra/process-guard.js';
import { createReporter, type Reporter } from './infra/report.js';
import type { AdapterDeps, PlatformAdapter } from './platforms/adapter.js';

export interface RunningBot {
  adapters: PlatformAdapter[];
  /** The shared HTTP server: platform routes in HTTP modes, and always /healthz, /readyz, /metrics. */
  server?: Server;
  /** Events, outcomes and metrics (tests read the counters; the delivery queue sets pending replies). */
  report: Reporter;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  store?: Store;
  /** Interface to listen on; tests use 127.0.0.1. */
  host?: string;
  /** Log and survive unhandled rejections and uncaught exceptions (the `iiot start` process). */
  guardProcess?: boolean;
}

/** The store's own readiness (Redis reachable), when it has one. */
type MaybeReadyStore = Store & { ready?: () => boolean | Promise<boolean> };

/** Starts every platform that has credentials in `config`, sharing one handler and one HTTP server. */
export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel, 'iiot', { secrets: secretsOf(config) });
  const metrics = createMetrics({ processMetrics: true });
  const report = createReporter(logger, metrics);
  const store: MaybeReadyStore = options.store ?? new MemoryStore();
  const deps: AdapterDeps = { handle, overview, store, logger, report };
  // Adapters are imported lazily so a Slack-only bot never loads the Feishu SDK, and vice versa.
  const adapters: PlatformAdapter[] = [];
  if (config.slack) {
    const { createSlackAdapter } = await import('./platforms/slack/adapter.js');
    adapters.push(createSlackAdapter(config.slack, deps));
  }
  if (config.feishu) {
    const { createFeishuAdapter } = await import('./platforms/feishu/adapter.js');
    adapters.push(createFeishuAdapter(config.feishu, deps));
  }
  const routes = adapters.flatMap((a) => a.routes);
  const ops: Ops = {
    async notReady() {
      const reasons = adapters.flatMap((a) => {
        const why = a.notReady();
        return why ? [`${a.name}: ${why}`] : [];
      });
      if (store.ready && !(await store.ready())) reasons.push('store: not reachable');
      return reasons;
    },
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
  };
  let server: Server | undefined;
  let unguard: (() => void) | undefined;
  const stop = async () => {
    await Promise.allSettled(adapters.map((a) => a.stop()));
    if (server) await new Promise((r) => server!.close(() => r(undefined)));
    unguard?.();
  };
  try {
    await Promise.all(adapters.map((a) => a.start()));
    // Listen only once every platform is ready, so an answering /healthz means the bot answers too.
    // With only long connections there are no routes, but the operator endpoints are still served.
    server = await listen(routes, config.port, options.host, ops, logger);
  } catch (err) {
    // A platform that cannot start must not leave a connection or a port holding the process open.
    await stop();
    throw err;
  }
  if (options.guardProcess) unguard = guardProcess(logger, metrics);
  const port = (server.address() as { port: number }).port;
  for (const a of adapters) logger.info(`${a.name} ready${a.routes.length > 0 ? ` on port ${port}` : ''}`);
  logger.info(`operator endpoints on port ${port}: /healthz /readyz /metrics`);
  return { adapters, server, report, stop };
}

async function listen(routes: Route[], port: number, host: string | undefined, ops: Ops, logger: Logger): Promise<Server> {
  try {
    return await startHttpServer(routes, port, host, { ops, logger });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new ConfigError(`PORT ${port} cannot be used (${code}): choose another port`);
    throw err;
  }
}
