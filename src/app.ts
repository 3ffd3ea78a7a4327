import type { Server } from 'node:http';
import { handle, overview } from './core/handle.js';
import { ConfigError, DEFAULT_SHUTDOWN_TIMEOUT_MS, type Config } from './infra/config.js';
import { settleBy } from './infra/deadline.js';
import { trackConnections, type GracefulClose } from './infra/graceful-close.js';
import { openStore, type Store } from './infra/store.js';
import { startHttpServer, type Route } from './infra/http-server.js';
import { createLogger, type Logger } from './infra/log.js';
import type { DeliveryOptions } from './infra/outbox.js';
import type { AdapterDeps, PlatformAdapter } from './platforms/adapter.js';

export interface RunningBot {
  adapters: PlatformAdapter[];
  /** The shared HTTP server, when a platform runs in HTTP mode (always serves /healthz). */
  server?: Server;
  /** Shared state (its `ready()` says whether Redis is reachable, when configured). */
  store: Store;
  /**
   * Stops taking events and connections, lets the replies under way finish, closes connections and
   * the store; resolves within `timeoutMs` (default: config.shutdownTimeoutMs).
   */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  store?: Store;
  /** Interface to listen on; tests use 127.0.0.1. */
  host?: string;
}

/** Starts every platform that has credentials in `config`, sharing one handler and one HTTP server. */
export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const store = options.store ?? (await openStore(config.redis, logger));
  const deps: AdapterDeps = { handle, overview, store, logger };
  const delivery: DeliveryOptions = { apiTimeoutMs: config.apiTimeoutMs };
  // Adapters are imported lazily so a Slack-only bot never loads the Feishu SDK, and vice versa.
  const adapters: PlatformAdapter[] = [];
  if (config.slack) {
    const { createSlackAdapter } = await import('./platforms/slack/adapter.js');
    adapters.push(createSlackAdapter(config.slack, deps, delivery));
  }
  if (config.feishu) {
    const { createFeishuAdapter } = await import('./platforms/feishu/adapter.js');
    adapters.push(createFeishuAdapter(config.feishu, deps, delivery));
  }
  const routes = adapters.flatMap((a) => a.routes);
  let server: Server | undefined;
  let connections: GracefulClose | undefined;
  const stop = async (timeoutMs = config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS) => {
    const deadline = Date.now() + timeoutMs;
    // The port first, so nothing new comes in while the adapters finish what they took.
    const serverClosed = connections?.close(deadline);
    await Promise.allSettled(adapters.map((a) => a.stop(deadline)));
    await serverClosed;
    // Only a store this bot opened is closed (a test's or a caller's may be shared); Redis has close().
    if (!options.store) await settleBy(store.close?.() ?? Promise.resolve(), deadline);
  };
  try {
    await Promise.all(adapters.map((a) => a.start()));
    // Listen only once every platform is ready, so an answering /healthz means the bot answers too.
    if (routes.length > 0) {
      server = await listen(routes, config.port, options.host);
      connections = trackConnections(server);
    }
  } catch (err) {
    // A platform that cannot start must not leave a connection or a port holding the process open.
    await stop();
    throw err;
  }
  for (const a of adapters) logger.info(`${a.name} ready${a.routes.length > 0 ? ` on port ${(server!.address() as { port: number }).port}` : ''}`);
  return { adapters, server, store, stop };
}

async function listen(routes: Route[], port: number, host?: string): Promise<Server> {
  try {
    return await startHttpServer(routes, port, host);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new ConfigError(`PORT ${port} cannot be used (${code}): choose another port`);
    throw err;
  }
}
