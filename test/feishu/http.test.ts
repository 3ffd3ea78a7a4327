/**
 * node-sdk's HTTP client as the bot sets it up: every call has a deadline for the whole call, even
 * against a server that keeps trickling bytes (which an idle timeout alone never ends).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeishuHttp, DEADLINE_SHARING_MS, isTimeout, sharedDeadlines } from '../../src/platforms/feishu/http.js';

let server: Server;
let origin: string;
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/trickle') {
      // A byte every 50 ms, for ever: never idle for as long as the client's timeout.
      res.writeHead(200, { 'content-type': 'application/json' });
      const t = setInterval(() => res.write(' '), 50);
      timers.add(t);
      res.on('close', () => clearInterval(t));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"msg":"ok"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const t of timers) clearInterval(t);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('createFeishuHttp', () => {
  it('returns the body, as node-sdk expects', async () => {
    const http = createFeishuHttp(1000);
    expect(await http.request({ url: `${origin}/ok`, method: 'POST', data: { a: 1 } })).toEqual({ code: 0, msg: 'ok' });
  });

  it('ends a call whose answer trickles in for longer than the timeout (plus at most the shared second), as a timeout', async () => {
    const http = createFeishuHttp(300);
    const err = await http.request({ url: `${origin}/trickle`, method: 'GET' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeDefined();
    expect(isTimeout(err)).toBe(true);
  }, 20_000);
});

describe('sharedDeadlines', () => {
  it('hands one signal to the calls of the same second and timeout, a new one after', () => {
    let t = 1_000_000;
    const deadline = sharedDeadlines(() => t);
    const a = deadline(500);
    t += DEADLINE_SHARING_MS - 1;
    expect(deadline(500)).toBe(a);
    expect(deadline(700)).not.toBe(a);
    t += 1;
    expect(deadline(500)).not.toBe(a);
  });

  it('fires no sooner than the timeout after the last call given it', async () => {
    const deadline = sharedDeadlines();
    const signal = deadline(100);
    expect(signal.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(signal.aborted).toBe(false); // the second it was shared in has not even ended
    await new Promise((r) => signal.addEventListener('abort', r));
    expect(signal.aborted).toBe(true);
  });
});
