/**
 * The child side of a benchmarked server. Each server runs in its own process so the load generator
 * (in the parent) and the server never share an event loop; this file speaks the little IPC protocol
 * the parent uses: `ready` once listening, then `memory` and `cpu` readings on request, `stop` to end.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ToChild = { type: 'memory' } | { type: 'cpu' } | { type: 'stop' };

export type FromChild =
  | { type: 'ready'; port: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage }
  | { type: 'cpu'; usage: NodeJS.CpuUsage }
  | { type: 'failed'; error: string };

export interface Started {
  server: Server;
  stop(): Promise<void>;
}

const send = (msg: FromChild) => process.send?.(msg);

/** Starts the server, reports its port, and answers the parent until told to stop (or orphaned). */
export async function serveChild(start: () => Promise<Started>): Promise<void> {
  if (!process.send) throw new Error('run this through the bench (it needs an IPC channel)');
  const gc = (globalThis as { gc?: () => void }).gc;
  let started: Started;
  try {
    started = await start();
  } catch (err) {
    send({ type: 'failed', error: err instanceof Error ? err.stack ?? err.message : String(err) });
    process.exit(1);
  }
  const quit = async () => {
    // Load-generator sockets are keep-alive: close them, or server.close() would wait for them.
    started.server.closeAllConnections();
    await started.stop().catch(() => {});
    process.exit(0);
  };
  process.on('message', (msg: ToChild) => {
    if (msg.type === 'memory') {
      // Two full collections: the first can leave garbage that only finalizers release.
      gc?.();
      gc?.();
      send({ type: 'memory', usage: process.memoryUsage() });
    } else if (msg.type === 'cpu') {
      send({ type: 'cpu', usage: process.cpuUsage() });
    } else if (msg.type === 'stop') {
      void quit();
    }
  });
  // The parent died or closed the channel: never outlive it.
  process.on('disconnect', () => void quit());
  send({ type: 'ready', port: (started.server.address() as AddressInfo).port });
}
