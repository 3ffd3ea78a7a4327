import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from './log.js';

/** One HTTP endpoint an adapter serves (Slack's Bolt receiver, Feishu's webhook, the bot's pictures). */
export interface Route {
  path: string;
  /** The route serves every path under `path` (which then ends with `/`), not `path` alone. */
  prefix?: boolean;
  listener: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Largest request body any route accepts; Slack and Feishu payloads are a few KB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What the operator endpoints report. */
export interface Ops {
  /** Why the bot cannot answer right now; empty when it can. */
  notReady(): Promise<string[]>;
  metrics(): Promise<{ contentType: string; body: string }>;
}

export interface HttpServerOptions {
  ops?: Ops;
  logger?: Logger;
}

/** Answers a request whose body will not be read, and closes the connection so the rest is not awaited. */
export function refuse(res: ServerResponse, status: number, body: unknown = { error: statusText(status) }): void {
  if (res.headersSent) return;
  res.shouldKeepAlive = false;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' }).end(JSON.stringify(body));
}

function statusText(status: number): string {
  return ({ 400: 'bad request', 401: 'unauthorized', 404: 'not found', 405: 'method not allowed', 413: 'body too large', 415: 'unsupported media type', 503: 'not ready' } as Record<number, string>)[status] ?? 'error';
}

/** True when the declared body length is over the limit (a chunked body is checked while it is read). */
export function declaredTooLarge(req: IncomingMessage, limit = MAX_BODY_BYTES): boolean {
  return Number(req.headers['content-length'] ?? 0) > limit;
}

/**
 * The single HTTP server Slack's HTTP mode and Feishu's webhook mode share on PORT, also serving the
 * operator endpoints: `GET /healthz` (the process answers), `GET /readyz` (every platform connected
 * and the store reachable; 503 with the reasons otherwise) and `GET /metrics` (Prometheus text).
 * Routes match on the path alone (query strings are ignored).
 */
export function startHttpServer(routes: Route[], port: number, host?: string, options: HttpServerOptions = {}): Promise<Server> {
  const byPath = new Map(routes.filter((r) => !r.prefix).map((r) => [r.path, r.listener]));
  const byPrefix = routes.filter((r) => r.prefix);
  const { ops, logger } = options;
  // Sockets whose request reached a route: an abort there is the route's to log, once.
  const routed = new WeakSet<Socket>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const listener = byPath.get(path) ?? byPrefix.find((r) => path.startsWith(r.path))?.listener;
    if (listener) {
      if (declaredTooLarge(req)) {
        logger?.warn({ path, bytes: Number(req.headers['content-length']) }, 'request rejected: body too large');
        return refuse(res, 413);
      }
      routed.add(req.socket);
      res.once('close', () => routed.delete(req.socket));
      return listener(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 404);
    if (path === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (path === '/readyz' && ops) {
      ops.notReady().then(
        (reasons) => res.writeHead(reasons.length ? 503 : 200, { 'content-type': 'application/json' })
          .end(JSON.stringify(reasons.length ? { ready: false, reasons } : { ready: true })),
        (err: unknown) => refuse(res, 503, { ready: false, reasons: [`readiness check failed: ${(err as Error)?.message ?? err}`] }),
      );
      return;
    }
    if (path === '/metrics' && ops) {
      ops.metrics().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        (err: unknown) => {
          logger?.error('metrics failed:', err);
          refuse(res, 500);
        },
      );
      return;
    }
    refuse(res, 404);
  });
  // Malformed requests (bad header bytes, headers over 16 KB, a client that hangs up mid-request)
  // never reach a route: Node reports them here. One line each, and a 4xx when the socket still
  // takes one.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const aborted = err.code === 'ECONNRESET' || err.code === 'HPE_INVALID_EOF_STATE' || !socket.writable;
    if (aborted && routed.has(socket)) return void socket.destroy();
    logger?.[aborted ? 'info' : 'warn']({ code: err.code }, aborted ? 'request aborted by the client' : `malformed request refused: ${err.message}`);
    if (aborted) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
