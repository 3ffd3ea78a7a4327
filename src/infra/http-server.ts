import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One HTTP endpoint an adapter serves (Slack's Bolt receiver, Feishu's webhook). */
export interface Route {
  path: string;
  listener: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * The single HTTP server Slack's HTTP mode and Feishu's webhook mode share on PORT.
 * Routes match on the path alone (query strings are ignored); `GET /healthz` answers `ok`.
 */
export function startHttpServer(routes: Route[], port: number, host?: string): Promise<Server> {
  const byPath = new Map(routes.map((r) => [r.path, r.listener]));
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const listener = byPath.get(path);
    if (listener) return listener(req, res);
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
