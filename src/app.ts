import type { Server } from 'node:http';
import { handle, overview } from './core/handle.js';
import { ConfigError, type Config } from './infra/config.js';
import { MemoryStore, type Store } from './infra/store.js';
import { startHttpServer, type Route } from './infra/http-server.js';
import { createLogger, type Logger } from './infra/log.js';
import type { AdapterDeps, PlatformAdapter } from './platforms/adapter.js';
import { Pictures } from './pictures/index.js';

/** One picture cache per process, whichever platforms draw from it. */
const sharedPictures = new Pictures();

export interface RunningBot {
  adapters: PlatformAdapter[];
  /** The shared HTTP server, when a platform runs in HTTP mode (always serves /healthz). */
  server?: Server;
  stop(): Promise<void>;
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
  const deps: AdapterDeps = {
    handle, overview, store: options.store ?? new MemoryStore(), logger,
    pictures: config.pictures === false ? undefined : sharedPictures,
  };
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
  let server: Server | undefined;
  const stop = async () => {
    await Promise.allSettled(adapters.map((a) => a.stop()));
    if (server) await new Promise((r) => server!.close(() => r(undefined)));
  };
  try {
    await Promise.all(adapters.map((a) => a.start()));
    // Listen only once every platform is ready, so an answering /healthz means the bot answers too.
    if (routes.length > 0) server = await listen(routes, config.port, options.host);
  } catch (err) {
    // A platform that cannot start must not leave a connection or a port holding the process open.
    await stop();
    throw err;
  }
  for (const a of adapters) logger.info(`${a.name} ready${a.routes.length > 0 ? ` on port ${(server!.address() as { port: number }).port}` : ''}`);
  return { adapters, server, stop };
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
