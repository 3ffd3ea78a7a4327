/**
 * The `fetch` the Slack Web API client and the response_url posts use: Slack's calls are form or JSON
 * bodies with small JSON answers, sent here on node:http(s) (infra/http-call.ts) instead of Node's
 * fetch, which would load its own HTTP stack for about 12 MB of RSS at the first call (auth.test, at
 * start-up). It answers as fetch does, for what its callers read: status, headers, the body as text,
 * JSON or bytes, and fetch's errors (the signal's reason; `TypeError: fetch failed` with the system
 * error as its cause). A body it does not send itself (the multipart form of a picture upload) goes to
 * Node's fetch, loaded then.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { webApi } from '@slack/bolt';
import { httpCall, type CallError, type CallReply } from '../../infra/http-call.js';

/** fetch's Headers, as far as the Web API client reads them, over node's parsed (lower-case) headers. */
class AnswerHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) yield [name, this.get(name)!];
  }
}

/** fetch's Response, as far as the Web API client reads it. */
class Answer {
  readonly ok: boolean;
  constructor(readonly url: string, readonly status: number, readonly statusText: string, readonly headers: AnswerHeaders, private readonly body: Buffer) {
    this.ok = status >= 200 && status < 300;
  }
  async text(): Promise<string> {
    return this.body.toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.body.toString('utf8'));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(this.body).buffer;
  }
}

export const slackFetch: webApi.FetchFunction = async (input, init = {}) => {
  const { body, signal } = init;
  if (body != null && typeof body !== 'string') return fetch(input, init);
  const url = String(input);
  const headers: Record<string, string | number> = { ...init.headers };
  if (body != null) headers['Content-Length'] = Buffer.byteLength(body);
  let reply: CallReply;
  try {
    reply = await httpCall(url, { method: init.method ?? 'GET', headers, body, signal });
  } catch (err) {
    const { kind, cause } = err as CallError;
    if (kind === 'aborted') throw cause; // as fetch: the signal's reason (a TimeoutError for AbortSignal.timeout)
    throw new TypeError('fetch failed', { cause: kind === 'network' ? cause : err });
  }
  // node:http follows no redirect: what the Web API client asks for (redirect: 'error'), and
  // response_url never redirects.
  if (init.redirect === 'error' && reply.status >= 300 && reply.status < 400) throw new TypeError('fetch failed', { cause: new Error(`redirected (HTTP ${reply.status})`) });
  return new Answer(url, reply.status, reply.statusText, new AnswerHeaders(reply.headers), reply.body);
};
