import type { Server } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { converse, overview, prepareCore } from './core/handle.js';
import { ConfigError, DEFAULT_SHUTDOWN_TIMEOUT_MS, secretsOf, type Config } from './infra/config.js';
import { settleBy } from './infra/deadline.js';
import { trackConnections, type GracefulClose } from './infra/graceful-close.js';
import { startHttpServer, type Ops, type Route } from './infra/http-server.js';
import { createLogger, type Logger } from './infra/log.js';
import { createMetrics } from './infra/metrics.js';
import type { DeliveryOptions } from './infra/outbox.js';
import { guardProcess } from './infra/process-guard.js';
import { createReporter, type Reporter } from './infra/report.js';
import { openStore, type Store } from './infra/store.js';
import type { AdapterDeps, PlatformAdapter } from './platforms/adapter.js';
import { Pictures } from './pictures/index.js';
import { PICTURES_PATH, PictureLinks } from './platforms/picture-links.js';

/**
 * Turns of the event loop each platform's start-up calls get before the next SDK or the core's
 * tables take the thread, so that their requests are written first: a first request needs several
 * (a host name's lookup, the connect, then the write; Feishu's token call comes back through the
 * SDK's promise chain before its request is made). A turn with nothing to do costs next to nothing.
 */
const TURNS_FOR_REQUESTS = 10;

/** One picture cache per process, whichever platforms draw from it. */
const sharedPictures = new Pictures();

export interface RunningBot {
  adapters: PlatformAdapter[];
  /** The shared HTTP server: platform routes in HTTP modes, and always /healthz, /readyz, /metrics. */
  server?: Server;
  /** Events, outcomes and metrics (tests read the counters; the outboxes set pending replies). */
  report: Reporter;
  /** The bot's logger (secrets masked); the caller logs its own lines (signals, shutdown) on it. */
  logger: Logger;
  /** Shared state (its `ready()` says whether Redis is reachable, when configured). */
  store: Store;
  /**
   * Stops taking events (/readyz and the platform routes answer 503), lets the replies under way
   * finish, then closes the port's connections and the store; resolves within `timeoutMs`
   * (default: config.shutdownTimeoutMs).
   */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  store?: Store;
  /** Interface to listen on; tests use 127.0.0.1. */
  host?: string;
  /** Log and survive unhandled rejections and uncaught exceptions (the `iiot start` process). */
  guardProcess?: boolean;
}

/** Starts every platform that has credentials in `config`, sharing one handler and one HTTP server. */
export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel, 'iiot', { secrets: secretsOf(config) });
  const metrics = createMetrics({ processMetrics: true });
  const report = createReporter(logger, metrics);
  const store = options.store ?? (await openStore(config.redis, logger));
  const pictures = config.pictures === false ? undefined : sharedPictures;
  const pictureLinks = pictures && config.publicBaseUrl ? new PictureLinks(config.publicBaseUrl, { store, logger, pictures }) : undefined;
  const deps: AdapterDeps = { converse, overview, store, logger, report, pictures, pictureLinks, conversationWindowMs: config.conversationWindowMs };
  const delivery: DeliveryOptions = { apiTimeoutMs: config.apiTimeoutMs };
  const adapters: PlatformAdapter[] = [];
  const starts: Promise<void>[] = [];
  let stopping = false;
  const ops: Ops = {
    async notReady() {
      // A load balancer stops sending here while the replies under way finish.
      if (stopping) return ['stopping'];
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
  let connections: GracefulClose | undefined;
  let unguard: (() => void) | undefined;
  const stop = async (timeoutMs = config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS) => {
    const deadline = Date.now() + timeoutMs;
    stopping = true;
    // The port stays open while the adapters finish what they took: their routes answer 503 (the
    // platform re-delivers elsewhere) and /readyz says stopping. Then its connections are closed.
    await Promise.allSettled(adapters.map((a) => a.stop(deadline)));
    // The picture patches were drained (or dropped) with the replies; a drawing still under way ends by the deadline.
    await settleBy(pictures?.close() ?? Promise.resolve(), deadline);
    await connections?.close(deadline);
    // Only a store this bot opened is closed (a test's or a caller's may be shared); Redis has close().
    if (!options.store) await settleBy(store.close?.() ?? Promise.resolve(), deadline);
    unguard?.();
  };
  /**
   * Each platform's start-up calls (Slack's auth.test; Feishu's tenant token and bot info) go out as
   * soon as its adapter exists, so they are under way while the next SDK loads and the core builds
   * its tables, instead of after all of it. `listFirst`: Slack is listed before Feishu (logs,
   * /readyz), whichever started first.
   */
  const begin = async (adapter: PlatformAdapter, listFirst = false) => {
    if (listFirst) adapters.unshift(adapter);
    else adapters.push(adapter);
    const started = adapter.start();
    started.catch(() => {}); // handled below, by Promise.all: not an unhandled rejection meanwhile
    starts.push(started);
    for (let turn = 0; turn < TURNS_FOR_REQUESTS; turn++) await nextTurn();
  };
  try {
    // Adapters are imported lazily so a Slack-only bot never loads the Feishu SDK, and vice versa.
    // Feishu's calls go out first: its start-up is two in a row (tenant token, then bot info).
    if (config.feishu) await begin((await import('./platforms/feishu/adapter.js')).createFeishuAdapter(config.feishu, deps, delivery));
    if (config.slack) await begin((await import('./platforms/slack/adapter.js')).createSlackAdapter(config.slack, deps, delivery), true);
    // Ready means able to answer at once: the first question does not wait for these tables.
    prepareCore();
    await Promise.all(starts);
    // Listen only once every platform is ready, so an answering /healthz means the bot answers too.
    // With only long connections there are no routes, but the operator endpoints are still served.
    const routes = [...adapters.flatMap((a) => a.routes), ...(pictureLinks ? [pictureLinks.route] : [])];
    server = await listen(routes, config.port, options.host, ops, logger);
    connections = trackConnections(server);
  } catch (err) {
    // A platform that cannot start must not leave a connection or a port holding the process open.
    await stop();
    throw err;
  }
  if (options.guardProcess) unguard = guardProcess(logger, metrics);
  const port = (server.address() as { port: number }).port;
  for (const a of adapters) logger.info(`${a.name} ready${a.routes.length > 0 ? ` on port ${port}` : ''}`);
  logger.info(`operator endpoints on port ${port}: /healthz /readyz /metrics${pictureLinks ? ` ${PICTURES_PATH}<hash>.png` : ''}`);
  return { adapters, server, report, logger, store, stop };
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
