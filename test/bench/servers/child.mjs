/**
 * The child side of a benchmarked server. Each server runs in its own process so the load generator
 * (in the parent) and the server never share an event loop; this file speaks the little IPC protocol
 * the parent uses: `ready` once listening, then `memory` and `cpu` readings on request, `stop` to end.
 *
 * The servers are plain JavaScript, run by node with no loader, as production runs dist/: a
 * TypeScript loader in the process would add its own memory and start-up to every figure.
 * Messages (see FromChild / ToChild in ../processes.ts):
 *   to the child:   {type: 'memory' | 'cpu' | 'stop'}
 *   from the child: {type: 'ready', port} | {type: 'memory', usage} | {type: 'cpu', usage} | {type: 'failed', error}
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const send = (msg) => process.send?.(msg);

/**
 * V8's gc(), exposed when the first reading is asked for rather than by --expose-gc on the command
 * line: a V8 flag there would make V8 refuse the bot's code cache (recorded without it), and the bot
 * would then compile its 4.5 MB bundle at start, which production never does (and which leaves some
 * 20 MB more in the C allocator).
 */
const exposeGc = () => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
};

/**
 * Starts the server (`start()` resolves to `{server, stop}`), reports its port, and answers the
 * parent until told to stop (or orphaned).
 */
export async function serveChild(start) {
  if (!process.send) throw new Error('run this through the bench (it needs an IPC channel)');
  let gc;
  let started;
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
  process.on('message', (msg) => {
    if (msg.type === 'memory') {
      // Two full collections: the first can leave garbage that only finalizers release.
      gc ??= exposeGc();
      gc();
      gc();
      send({ type: 'memory', usage: process.memoryUsage() });
    } else if (msg.type === 'cpu') {
      send({ type: 'cpu', usage: process.cpuUsage() });
    } else if (msg.type === 'stop') {
      void quit();
    }
  });
  // The parent died or closed the channel: never outlive it.
  process.on('disconnect', () => void quit());
  send({ type: 'ready', port: started.server.address().port });
}
