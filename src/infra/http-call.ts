/**
 * One outbound HTTP call on node:http(s), for the platform clients' small JSON and form calls. It
 * uses the global keep-alive agents and nothing else: Node's fetch loads its own HTTP stack (undici,
 * compiled from source at first use, and its parser's WebAssembly) for about 12 MB of RSS, more than
 * an HTTP-mode bot holds for everything else it adds to Bolt; axios costs CPU per call in config
 * merging and transforms. The Feishu client (platforms/feishu/http.ts) gives node-sdk what axios
 * would; the Slack one (platforms/slack/fetch.ts) gives the Web API client what fetch would.
 */
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The most one answer may hold: the platforms' API answers are a few KB. */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export interface CallOptions {
  method: string;
  headers: Record<string, string | number>;
  body?: string;
  /** Ends the call with `signal.reason` (a caller's whole-call deadline, or its own abort). */
  signal?: AbortSignal;
  /** Ends the whole call after this long, however slowly the bytes trickle in: one plain timer. */
  timeoutMs?: number;
  /** A larger answer is refused: a bound on what one call may hold in memory (MAX_ANSWER_BYTES). */
  maxBytes?: number;
}

export interface CallReply {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Why a call got no answer: `timeout` (timeoutMs), `aborted` (the signal), `too-large`, or `network` (`cause` has the system error). */
export class CallError extends Error {
  constructor(message: string, readonly kind: 'timeout' | 'aborted' | 'too-large' | 'network', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CallError';
  }
}

/** Sends the request and reads the whole answer; resolves whatever the status, rejects only with a CallError. */
export function httpCall(url: string, options: CallOptions): Promise<CallReply> {
  const { signal, timeoutMs, maxBytes = MAX_ANSWER_BYTES } = options;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let req: ClientRequest | undefined;
    let settled = false;
    const finish = (err?: CallError, reply?: CallReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        req?.destroy();
        reject(err);
      } else {
        resolve(reply!);
      }
    };
    const onAbort = () => finish(new CallError('the call was aborted', 'aborted', { cause: signal!.reason }));
    if (signal?.aborted) return onAbort();
    req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { method: options.method, headers: options.headers }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return finish(new CallError(`the answer is larger than ${maxBytes} bytes`, 'too-large'));
        chunks.push(chunk);
      });
      res.on('error', (err) => finish(new CallError(err.message, 'network', { cause: err })));
      res.on('end', () => finish(undefined, {
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers: res.headers,
        body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
      }));
    });
    req.on('error', (err) => finish(new CallError(err.message, 'network', { cause: err })));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) timer = setTimeout(() => finish(new CallError(`no answer within ${timeoutMs} ms`, 'timeout')), timeoutMs);
    req.end(options.body);
  });
}
