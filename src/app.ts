import type { Server } from 'node:http';
import { handle, overview } from './core/handle.js';
import type { Config } from './infra/config.js';
import { MemoryDedupStore, type DedupStore } from './infra/dedup.js';
import { startHttpServer } from './infra/http-server.js';
import { createLogger, type Logger } from './infra/log.js';
import type { AdapterDeps, PlatformAdapter } from './platforms/adapter.js';

export interface RunningBot {
  adapters: PlatformAdapter[];
  /** The shared HTTP server, when a platform runs in HTTP mode (always serves /healthz). */
  server?: Server;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  dedup?: DedupStore;
  /** Interface to listen on; tests use 127.0.0.1. */
  host?: string;
}

/** Starts every platform that has credentials in `config`, sharing one handler and one HTTP server. */
export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const deps: AdapterDeps = { handle, overview, dedup: options.dedup ?? new MemoryDedupStore(), logger };
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
  const server = routes.length > 0 ? await startHttpServer(routes, config.port, options.host) : undefined;
  const stop = async () => {
    await Promise.allSettled(adapters.map((a) => a.stop()));
    if (server) await new Promise((r) => server.close(() => r(undefined)));
  };
  try {
    await Promise.all(adapters.map((a) => a.start()));
  } catch (err) {
    // A platform that cannot start must not leave the HTTP server holding the process open.
    await stop();
    throw err;
  }
  for (const a of adapters) logger.info(`${a.name} ready${a.routes.length > 0 ? ` on port ${(server!.address() as { port: number }).port}` : ''}`);
  return { adapters, server, stop };
}
