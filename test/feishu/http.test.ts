/**
 * node-sdk's HTTP client as the bot sets it up: every call has a deadline for the whole call, even
 * against a server that keeps trickling bytes (which an idle timeout alone never ends). JSON calls
 * take the direct node:http path, uploads go through axios; either way the SDK and the adapter's
 * error handling see what axios would give them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAxiosError, type AxiosError } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES } from '../../src/infra/http-call.js';
import { createFeishuHttp, DEADLINE_SHARING_MS, isTimeout, sharedDeadlines } from '../../src/platforms/feishu/http.js';

let server: Server;
let origin: string;
const timers = new Set<NodeJS.Timeout>();
interface Seen { method?: string; url?: string; headers: Record<string, unknown>; body: Buffer }
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
    if (req.url === '/limited') {
      res.writeHead(429, { 'content-type': 'application/json', 'x-ogw-ratelimit-reset': '2' }).end('{"code":99991400,"msg":"too many requests"}');
      return;
    }
    if (req.url === '/limited-200') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-ogw-ratelimit-reset': '5' }).end('{"code":99991400,"msg":"request trigger frequency limit"}');
      return;
    }
    if (req.url === '/hang') return; // never answers
    if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.alloc(MAX_ANSWER_BYTES + 1, 0x20));
      return;
    }
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

const last = (): Seen => seen[seen.length - 1]!;

describe('createFeishuHttp', () => {
  it('returns the body, as node-sdk expects', async () => {
    const http = createFeishuHttp(1000);
    expect(await http.request({ url: `${origin}/ok`, method: 'POST', data: { a: 1 } })).toEqual({ code: 0, msg: 'ok' });
  });

  it('sends a JSON call as the SDK asks: method, headers, JSON body, query through its serializer', async () => {
    const http = createFeishuHttp(1000);
    await http.request({
      url: `${origin}/open-apis/im/v1/messages`, method: 'POST', data: { receive_id: 'ou_1', content: '{"text":"湖北"}' },
      params: { receive_id_type: 'open_id' }, paramsSerializer: (p: Record<string, string>) => new URLSearchParams(p).toString(),
      headers: { Authorization: 'Bearer t-123', 'User-Agent': 'oapi-node-sdk/x' },
    });
    expect(last()).toMatchObject({ method: 'POST', url: '/open-apis/im/v1/messages?receive_id_type=open_id' });
    expect(last().headers).toMatchObject({ authorization: 'Bearer t-123', 'user-agent': 'oapi-node-sdk/x', 'content-type': 'application/json' });
    expect(JSON.parse(last().body.toString('utf8'))).toEqual({ receive_id: 'ou_1', content: '{"text":"湖北"}' });
  });

  it('returns the headers too when the SDK asks for them', async () => {
    const http = createFeishuHttp(1000);
    const r = await http.request({ url: `${origin}/ok`, method: 'GET', $return_headers: true }) as { data: unknown; headers: Record<string, string> };
    expect(r.data).toEqual({ code: 0, msg: 'ok' });
    expect(r.headers['content-type']).toBe('application/json');
  });

  it('refuses an answer larger than its bound, as axios does past maxContentLength', async () => {
    const http = createFeishuHttp(5000);
    const err = await http.request({ url: `${origin}/huge`, method: 'GET' }).catch((e: unknown) => e) as AxiosError;
    expect(isAxiosError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'ERR_BAD_RESPONSE', message: `maxContentLength size of ${MAX_ANSWER_BYTES} exceeded` });
  });

  it('rejects a non-2xx answer as axios does: status, body and the rate-limit header readable', async () => {
    const http = createFeishuHttp(1000);
    const err = await http.request({ url: `${origin}/limited`, method: 'POST', data: {} }).catch((e: unknown) => e) as AxiosError;
    expect(isAxiosError(err)).toBe(true);
    expect(err.response?.status).toBe(429);
    expect(err.response?.data).toEqual({ code: 99991400, msg: 'too many requests' });
    expect(err.response?.headers['x-ogw-ratelimit-reset']).toBe('2');
    expect(err.config?.url).toBe(`${origin}/limited`);
  });

  // Feishu answers some rate limits with a 200: the SDK would return the body without the headers.
  for (const [path, data] of [['JSON', {}], ['multipart (axios)', { image: Buffer.from([1, 2, 3]) }]] as const) {
    it(`rejects a rate limit answered with HTTP 200 like a 429, its reset header readable: ${path}`, async () => {
      const http = createFeishuHttp(1000);
      const headers = 'image' in data ? { 'Content-Type': 'multipart/form-data' } : undefined;
      const err = await http.request({ url: `${origin}/limited-200`, method: 'POST', data, headers }).catch((e: unknown) => e) as AxiosError;
      expect(isAxiosError(err)).toBe(true);
      expect(err.response?.status).toBe(200);
      expect(err.response?.data).toEqual({ code: 99991400, msg: 'request trigger frequency limit' });
      expect(err.response?.headers['x-ogw-ratelimit-reset']).toBe('5');
    });
  }

  it('uploads a file as multipart through axios', async () => {
    const http = createFeishuHttp(1000);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    await http.request({ url: `${origin}/upload`, method: 'POST', data: { image_type: 'message', image: png }, headers: { 'Content-Type': 'multipart/form-data' } });
    expect(String(last().headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(last().body.includes(png)).toBe(true);
    expect(last().body.toString('latin1')).toContain('name="image_type"');
  });

  it('ends a call the server never answers, as a timeout', async () => {
    const http = createFeishuHttp(200);
    const err = await http.request({ url: `${origin}/hang`, method: 'POST', data: {} }).catch((e: unknown) => e);
    expect(isTimeout(err)).toBe(true);
    expect(isAxiosError(err)).toBe(true);
  });

  it('reports a refused connection as a network error with its code, no response', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await createFeishuHttp(1000).request({ url: `http://127.0.0.1:${port}/x`, method: 'POST', data: {} }).catch((e: unknown) => e) as AxiosError;
    expect(isAxiosError(err)).toBe(true);
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.response).toBeUndefined();
    expect(isTimeout(err)).toBe(false);
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
