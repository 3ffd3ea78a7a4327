/**
 * node-sdk's HTTP client, with a deadline on every call. The SDK's own (`defaultHttpInstance`) is a
 * bare `axios.create()` with no timeout, so a Feishu that stops answering held the tenant-token fetch,
 * bot info and every reply forever. This one answers as the SDK's does — the body (or `{data, headers}`
 * when the SDK asks for headers), errors as `AxiosError`s — with `timeout` (no bytes for that long)
 * and an AbortSignal (the whole call, however slowly the bytes trickle in, within a second more).
 * Client and WSClient both take it as `httpInstance`.
 *
 * JSON calls (every reply, patch, token and bot-info call) go straight through `node:http(s)`
 * (infra/http-call.ts) on the same global keep-alive agents axios uses: axios's config merging,
 * header objects, transforms and adapter cost more CPU per reply than everything else the bot does
 * for an event (profiled under
 * the bench's 200 events/s). Everything else — uploads (multipart), downloads, params without the
 * SDK's serializer, a proxy in the environment — goes through axios as before.
 *
 * A rate limit is an error on both paths, whatever the status: Feishu answers some with HTTP 200 and
 * `code: 99991400`, which the SDK would hand back as a plain result, without the headers that say
 * when to try again (`x-ogw-ratelimit-reset`). As a rejection it carries them, as a 429 does.
 *
 * No redirects on either path: axios's default (follow up to 21) wraps every request in
 * follow-redirects, for redirects the Open API never sends (a redirected POST would arrive as a GET
 * anyway). A misconfigured FEISHU_DOMAIN that redirects fails with the 3xx, logged.
 */
import { setMaxListeners } from 'node:events';
import { createRequire } from 'node:module';
import axios, { AxiosError, type AxiosResponse } from 'axios';
import { httpCall, MAX_ANSWER_BYTES, type CallError, type CallReply } from '../../infra/http-call.js';
import type { Lark } from './sdk.js';

const SDK_VERSION = (createRequire(import.meta.url)('@larksuiteoapi/node-sdk/package.json') as { version: string }).version;
const USER_AGENT = `oapi-node-sdk/${SDK_VERSION}`;

/** Whether a proxy is configured in the environment, as axios reads it (proxy-from-env). */
const proxyConfigured = (env: NodeJS.ProcessEnv = process.env): boolean =>
  ['http_proxy', 'https_proxy', 'all_proxy'].some((v) => env[v] || env[v.toUpperCase()] || env[`npm_config_${v}`]);

type Config = Lark.HttpRequestOptions<unknown> & { signal?: AbortSignal };

export function createFeishuHttp(timeoutMs: number): Lark.HttpInstance {
  const proxied = proxyConfigured();
  const http = axios.create({
    timeout: timeoutMs, maxRedirects: 0, headers: { 'User-Agent': USER_AGENT },
    // With no proxy in the environment, axios need not look for one (and the NO_PROXY rules) on every call.
    ...(proxied ? {} : { proxy: false as const }),
  });
  const deadline = sharedDeadlines();
  http.interceptors.request.use((req) => {
    // A call that sets its own timeout (WSClient's handshake: 15 s) keeps it for the whole call too.
    req.signal ??= deadline(req.timeout || timeoutMs);
    return req;
  }, undefined, { synchronous: true }); // as node-sdk's own: no extra promise turn per request
  http.interceptors.response.use((resp) => {
    if (isRateLimit(resp.data)) throw rateLimited(resp);
    return unwrap(resp.config as Config, resp.data, resp.headers) as AxiosResponse;
  });

  const request = (config: Config): Promise<unknown> => {
    const body = proxied ? undefined : jsonBody(config);
    if (body === undefined) return http.request(config);
    return sendJson(config, body, config.timeout || timeoutMs);
  };
  const withUrl = (method: string) => (url: string, config?: Config) => request({ ...config, url, method });
  const withData = (method: string) => (url: string, data?: unknown, config?: Config) => request({ ...config, url, method, data });
  const instance = {
    request,
    get: withUrl('get'), delete: withUrl('delete'), head: withUrl('head'), options: withUrl('options'),
    post: withData('post'), put: withData('put'), patch: withData('patch'),
  };
  // Responses are unwrapped to the body, as the SDK expects, which its generic types cannot express.
  return instance as unknown as Lark.HttpInstance;
}

/** Feishu's "request trigger frequency limit" code, in whatever status it comes. */
export const RATE_LIMITED = 99991400;

const isRateLimit = (data: unknown): boolean => (data as { code?: unknown } | null)?.code === RATE_LIMITED;

/** A rate limit answered with a 2xx, rejected as axios rejects a 429: the answer, headers included, on the error. */
const rateLimited = (response: AxiosResponse): AxiosError =>
  new AxiosError(`Rate limited (code ${RATE_LIMITED}) with status code ${response.status}`, AxiosError.ERR_BAD_REQUEST, response.config, undefined, response);

/** What the SDK expects back from a call, as its own instance returns it. */
const unwrap = (config: Config, data: unknown, headers: unknown): unknown => (config.$return_headers ? { data, headers } : data);

const hasParams = (config: Config): config is Config & { params: Record<string, unknown> } =>
  config.params != null && Object.keys(config.params).length > 0;

/**
 * The JSON text to send if this call can take the direct path: a JSON (or no) body, a JSON answer,
 * query parameters only through the SDK's serializer. `undefined` sends it through axios instead.
 */
function jsonBody(config: Config): string | undefined {
  if (config.responseType && config.responseType !== 'json') return undefined;
  if (hasParams(config) && typeof config.paramsSerializer !== 'function') return undefined;
  for (const name in config.headers) {
    if (name.toLowerCase() === 'content-type' && !/json/i.test(String(config.headers[name]))) return undefined;
  }
  const data = config.data;
  if (data === undefined || data === null) return '';
  if (typeof data !== 'object' || Object.getPrototypeOf(data) !== Object.prototype) return undefined;
  for (const key in data) {
    const value = (data as Record<string, unknown>)[key];
    // A file (Buffer, stream, Blob) means multipart, whatever the headers say.
    if (typeof value === 'object' && value !== null && (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function' || value instanceof Blob)) return undefined;
  }
  return JSON.stringify(data);
}

/**
 * One JSON call on node:http(s) (infra/http-call.ts): resolves with the parsed body of a 2xx, rejects
 * with an AxiosError as axios would. The whole call ends after `timeoutMs` (a signal the caller gives
 * is honoured too).
 */
async function sendJson(config: Config, body: string, timeoutMs: number): Promise<unknown> {
  let url = config.url ?? '';
  if (hasParams(config)) {
    const query = (config.paramsSerializer as (p: Record<string, unknown>) => string)(config.params);
    if (query) url += (url.includes('?') ? '&' : '?') + query;
  }
  const headers: Record<string, string | number> = { Accept: 'application/json, text/plain, */*', 'User-Agent': USER_AGENT };
  for (const name in config.headers) if (config.headers[name] != null) headers[name] = config.headers[name];
  if (body) {
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = Buffer.byteLength(body);
  }
  const fail = (message: string, code: string | undefined, response?: AxiosResponse) => new AxiosError(message, code, config as never, undefined, response);
  let reply: CallReply;
  try {
    reply = await httpCall(url, { method: (config.method ?? 'get').toUpperCase(), headers, body, signal: config.signal, timeoutMs });
  } catch (err) {
    const { kind, cause } = err as CallError;
    if (kind === 'timeout') throw fail(`timeout of ${timeoutMs}ms exceeded`, AxiosError.ECONNABORTED);
    if (kind === 'aborted') throw fail('canceled', AxiosError.ERR_CANCELED);
    if (kind === 'too-large') throw fail(`maxContentLength size of ${MAX_ANSWER_BYTES} exceeded`, AxiosError.ERR_BAD_RESPONSE);
    throw fail((cause as Error).message, (cause as NodeJS.ErrnoException).code);
  }
  const text = reply.body.toString('utf8');
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : text;
  } catch { /* not JSON: the text, as axios gives it */ }
  const { status } = reply;
  const response = { data, status, statusText: reply.statusText, headers: reply.headers, config } as unknown as AxiosResponse;
  if (status >= 200 && status < 300) {
    if (isRateLimit(data)) throw rateLimited(response);
    return unwrap(config, data, reply.headers);
  }
  throw fail(`Request failed with status code ${status}`, status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST, response);
}

/** How long one shared deadline signal is handed out; a call may run this much past its timeout. */
export const DEADLINE_SHARING_MS = 1000;

/**
 * Abort signals for whole-call deadlines, one per timeout and second rather than one per call:
 * AbortSignal.timeout() costs a timer and a weakly held signal each, a noticeable share of a reply's
 * CPU. Every call that starts within the same second gets a signal that fires `timeoutMs` after the
 * end of that second, so each is aborted after at least `timeoutMs` and at most `timeoutMs` +
 * DEADLINE_SHARING_MS.
 */
export function sharedDeadlines(now: () => number = Date.now): (timeoutMs: number) => AbortSignal {
  const current = new Map<number, { signal: AbortSignal; until: number }>();
  return (timeoutMs) => {
    const t = now();
    let shared = current.get(timeoutMs);
    if (!shared || t >= shared.until) {
      const signal = AbortSignal.timeout(timeoutMs + DEADLINE_SHARING_MS);
      setMaxListeners(0, signal); // one listener per call open on it: no leak warning past 10
      shared = { signal, until: t + DEADLINE_SHARING_MS };
      current.set(timeoutMs, shared);
    }
    return shared.signal;
  };
}

/** True for an axios error that means the API did not answer in time. */
export function isTimeout(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED';
}
