/**
 * Baseline: a bare `node:http` server that reads the request body and sends back the very bytes the
 * bot answers `/iiot 湖北` with (captured from the bot by the parent). It is the floor: HTTP parsing
 * and writing the same response, with no signature check, no framework and no work.
 * argv: content-type, response body in base64.
 */
import { createServer } from 'node:http';
import { serveChild } from './child.mjs';

const [contentType, bodyBase64] = process.argv.slice(2);
const body = Buffer.from(bodyBase64, 'base64');

await serveChild(async () => {
  const server = createServer((req, res) => {
    // Read the whole request, as any real handler must before it can answer.
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-type': contentType, 'content-length': body.length }).end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, stop: () => new Promise((r) => server.close(() => r())) };
});
