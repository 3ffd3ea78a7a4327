/**
 * Closing the shared HTTP server at shutdown without hanging on its clients.
 *
 * `server.close()` stops accepting and drops idle keep-alive connections, but waits for every
 * connection with a request under way, and a client that sends half its headers or stalls its body
 * would keep the process alive until Node's own timeouts (minutes). So each connection's current
 * request is tracked: one still arriving (headers or body incomplete) is dropped at once, since it
 * cannot be answered anyway; one fully received gets its response, then its connection closes.
 * At the deadline whatever is left is dropped.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface GracefulClose {
  /** Stops accepting now; resolves once every connection is closed, by `deadline` (epoch ms) at the latest. */
  close(deadline: number): Promise<void>;
}

export function trackConnections(server: Server): GracefulClose {
  /** Each open connection, with the exchange it is serving (undefined between requests or before the first). */
  const connections = new Map<Socket, { req: IncomingMessage; res: ServerResponse } | undefined>();
  let closing = false;

  server.on('connection', (socket: Socket) => {
    connections.set(socket, undefined);
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const done = () => {
      if (connections.has(req.socket)) connections.set(req.socket, undefined);
      if (closing) req.socket.destroySoon();
    };
    // This listener runs after the routes', which may have answered already.
    if (res.writableFinished) return done();
    connections.set(req.socket, { req, res });
    if (closing) res.shouldKeepAlive = false;
    res.once('finish', done);
  });

  return {
    async close(deadline) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const [socket, exchange] of connections) {
        if (!exchange || !exchange.req.complete) socket.destroy();
        // Answered, then closed: `Connection: close` if the headers are not out yet, destroySoon() on finish.
        else if (!exchange.res.headersSent) exchange.res.shouldKeepAlive = false;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeUp = new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, deadline - Date.now())); });
      await Promise.race([closed, timeUp]);
      clearTimeout(timer);
      for (const socket of connections.keys()) socket.destroy();
      await closed;
    },
  };
}
