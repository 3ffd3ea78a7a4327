/**
 * node-sdk's HTTP client, with a deadline on every call. The SDK's own (`defaultHttpInstance`) is a
 * bare `axios.create()` with no timeout, so a Feishu that stops answering held the tenant-token fetch,
 * bot info and every reply forever. This one is the same axios set up the same way — the SDK's
 * User-Agent, and a response interceptor that returns the body (or `{data, headers}` when the SDK
 * asks for headers) — plus `timeout` (no bytes for that long) and an AbortSignal (the whole call,
 * however slowly the bytes trickle in). Client and WSClient both take it as `httpInstance`.
 *
 * No redirects: axios's default (follow up to 21) wraps every request in follow-redirects, about a
 * fifth of the CPU of each reply, for redirects the Open API never sends (a redirected POST would
 * arrive as a GET anyway). A misconfigured FEISHU_DOMAIN that redirects fails with the 3xx, logged.
 */
import { createRequire } from 'node:module';
import axios, { type AxiosResponse } from 'axios';
import type { Lark } from './sdk.js';

const SDK_VERSION = (createRequire(import.meta.url)('@larksuiteoapi/node-sdk/package.json') as { version: string }).version;

export function createFeishuHttp(timeoutMs: number): Lark.HttpInstance {
  const http = axios.create({ timeout: timeoutMs, maxRedirects: 0, headers: { 'User-Agent': `oapi-node-sdk/${SDK_VERSION}` } });
  http.interceptors.request.use((req) => {
    // A call that sets its own timeout (WSClient's handshake: 15 s) keeps it for the whole call too.
    req.signal ??= AbortSignal.timeout(req.timeout || timeoutMs);
    return req;
  }, undefined, { synchronous: true }); // as node-sdk's own: no extra promise turn per request
  http.interceptors.response.use((resp) => ((resp.config as { $return_headers?: boolean }).$return_headers
    ? { data: resp.data, headers: resp.headers }
    : resp.data) as unknown as AxiosResponse); // what the SDK expects back, as its own instance does
  // The interceptor above unwraps responses, which axios's types cannot express.
  return http as unknown as Lark.HttpInstance;
}

/** True for an axios error that means the API did not answer in time. */
export function isTimeout(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED';
}
