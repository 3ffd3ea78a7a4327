/**
 * The Slack Web API client's and response_url's transport (src/platforms/slack/fetch.ts): node:http
 * answering as fetch does, so the client reads statuses, Retry-After and failures as before. That an
 * HTTP-mode bot never loads Node's fetch is checked on the built command (test/start.test.ts).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { MAX_ANSWER_BYTES } from '../../src/infra/http-call.js';
import { slackFetch } from '../../src/platforms/slack/fetch.js';

interface Seen { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }

let server: Server;
let base: string;
let seen: Seen[] = [];
let answer: (req: IncomingMessage, res: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      answer(req, res);
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(() => { seen = []; });
afterAll(() => { server.closeAllConnections(); server.close(); });

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

describe('slackFetch', () => {
  it('sends a Web API call as the client builds it and gives the client Slack\'s answer', async () => {
    answer = json(200, { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT' }, { 'X-OAuth-Scopes': 'chat:write,commands' });
    const client = new webApi.WebClient('xoxb-fetch-test', { slackApiUrl: `${base}/api/`, fetch: slackFetch, retryConfig: { retries: 0 } });
    const result = await client.auth.test();
    expect(result).toMatchObject({ ok: true, user_id: 'U0BOT', response_metadata: { scopes: ['chat:write', 'commands'] } });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/auth.test' });
    expect(seen[0]!.headers.authorization).toBe('Bearer xoxb-fetch-test');
    expect(seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('answers as fetch does: status, case-insensitive headers, text and JSON', async () => {
    answer = json(201, { a: '湖北' }, { 'Retry-After': '7' });
    const res = await slackFetch(`${base}/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"q":"湖北"}' });
    expect(res).toMatchObject({ ok: true, status: 201, url: `${base}/x` });
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('RETRY-AFTER')).toBe('7');
    expect(res.headers.get('x-missing')).toBeNull();
    expect(Object.fromEntries(res.headers.entries())).toMatchObject({ 'content-type': 'application/json', 'retry-after': '7' });
    expect(await res.json()).toEqual({ a: '湖北' });
    expect(seen[0]).toMatchObject({ body: '{"q":"湖北"}' });
    expect(Number(seen[0]!.headers['content-length'])).toBe(Buffer.byteLength('{"q":"湖北"}'));
  });

  it('lets the client read a 429 and its Retry-After', async () => {
    answer = json(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '3' });
    const client = new webApi.WebClient('xoxb-fetch-test', { slackApiUrl: `${base}/api/`, fetch: slackFetch, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 3 });
  });

  it('fails as fetch does: the signal\'s TimeoutError when Slack does not answer, TypeError with the system error when nothing listens', async () => {
    answer = () => {}; // never answers
    await expect(slackFetch(`${base}/hang`, { method: 'POST', body: 'a=1', signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ name: 'TimeoutError' });
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as { port: number }).port;
    closed.close();
    await once(closed, 'close');
    await expect(slackFetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '' })).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });

  it('refuses an answer larger than its bound, as a failed fetch', async () => {
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.alloc(MAX_ANSWER_BYTES + 1, 0x20));
    await expect(slackFetch(`${base}/huge`, { method: 'POST', body: '' })).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { kind: 'too-large' } });
  });

  it('refuses a redirect when asked to (the Web API client asks), as fetch does', async () => {
    answer = (_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end();
    await expect(slackFetch(`${base}/moved`, { method: 'POST', body: '', redirect: 'error' })).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed' });
  });

  it('hands a multipart body (a picture upload) to Node\'s fetch', async () => {
    answer = (_req, res) => res.writeHead(200).end('OK');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])]), 'map.png');
    const res = await slackFetch(`${base}/upload`, { method: 'POST', body: form });
    expect(await res.text()).toBe('OK');
    expect(seen[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen[0]!.body).toContain('filename="map.png"');
  });
});
