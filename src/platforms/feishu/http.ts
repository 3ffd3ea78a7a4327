/**
 * node-sdk's HTTP client, with a deadline on every call. The SDK's own (`defaultHttpInstance`) is a
 * bare `axios.create()` with no timeout, so a Feishu that stops answering held the tenant-token fetch,
 * bot info and every reply forever. This one is the same axios set up the same way — the SDK's
 * User-Agent, and a response interceptor that returns the body (or `{data, headers}` when the SDK
 * asks for headers) — plus `timeout` (no bytes for that long) and an AbortSignal (the whole call,
 * however slowly the bytes trickle in, within a second more). Client and WSClient both take it as `httpInstance`.
 *
 * No redirects: axios's default (follow up to 21) wraps every request in follow-redirects, about a
 * fifth of the CPU of each reply, for redirects the Open API never sends (a redirected POST would
 * arrive as a GET anyway). A misconfigured FEISHU_DOMAIN that redirects fails with the 3xx, logged.
 */
import { setMaxListeners } from 'node:events';
import { createRequire } from 'node:module';
import axios, { type AxiosResponse } from 'axios';
import type { Lark } from './sdk.js';

const SDK_VERSION = (createRequire(import.meta.url)('@larksuiteoapi/node-sdk/package.json') as { version: string }).version;

/** Whether a proxy is configured in the environment, as axios reads it (proxy-from-env). */
const proxyConfigured = (env: NodeJS.ProcessEnv = process.env): boolean =>
  ['http_proxy', 'https_proxy', 'all_proxy'].some((v) => env[v] || env[v.toUpperCase()] || env[`npm_config_${v}`]);

export function createFeishuHttp(timeoutMs: number): Lark.HttpInstance {
  const http = axios.create({
    timeout: timeoutMs, maxRedirects: 0, headers: { 'User-Agent': `oapi-node-sdk/${SDK_VERSION}` },
    // With no proxy in the environment, axios need not look for one (and the NO_PROXY rules) on every call.
    ...(proxyConfigured() ? {} : { proxy: false as const }),
  });
  const deadline = sharedDeadlines();
  http.interceptors.request.use((req) => {
    // A call that sets its own timeout (WSClient's handshake: 15 s) keeps it for the whole call too.
    req.signal ??= deadline(req.timeout || timeoutMs);
    return req;
  }, undefined, { synchronous: true }); // as node-sdk's own: no extra promise turn per request
  http.interceptors.response.use((resp) => ((resp.config as { $return_headers?: boolean }).$return_headers
    ? { data: resp.data, headers: resp.headers }
    : resp.data) as unknown as AxiosResponse); // what the SDK expects back, as its own instance does
  // The interceptor above unwraps responses, which axios's types cannot express.
  return http as unknown as Lark.HttpInstance;
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
