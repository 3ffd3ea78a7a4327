/**
 * The HTTP front for Feishu's webhook mode (`/feishu/events`, events and card callbacks alike).
 *
 * node-sdk's `adaptDefault` is not used: with a wrong key it crashes the process on an unhandled
 * rejection, it answers a forged signature with an empty 200, never checks the verification token or
 * the timestamp, and holds the response until the handler finishes. This listener decrypts once,
 * checks token, signature and freshness itself, and only then hands the plain envelope to the
 * SDK's dispatcher (`needCheck: false`: everything it would check is already checked, and better).
 */
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, refuse } from '../../infra/http-server.js';
import type { Logger } from '../../infra/log.js';
import { EventRefused } from '../../infra/outbox.js';
import type { Reporter } from '../../infra/report.js';

export interface Dispatcher {
  invoke(data: unknown, params?: { needCheck?: boolean }): Promise<unknown>;
}

export interface WebhookOptions {
  encryptKey: string;
  verificationToken: string;
  dispatcher: Dispatcher;
  logger: Logger;
  /** Where refused requests are reported (one log line each, and a counter). */
  report: Reporter;
  /**
   * How far `X-Lark-Request-Timestamp` may be from now. Whether Feishu's re-pushes carry a fresh
   * timestamp is not documented, so every rejection is logged with the age it saw.
   */
  maxSkewMs?: number;
  now?: () => number;
}

export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

class Rejection extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The client went away before the body was complete: nothing to answer. */
class Aborted extends Error {}

/**
 * Reads the body up to the limit. Past it, the rest is discarded (not buffered) and the request
 * refused with a 413 that the client can still read, instead of a reset connection.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return reject(new Rejection(413, 'body too large'));
      chunks.push(chunk);
    });
    req.on('end', () => resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')));
    req.on('error', (err) => reject(new Aborted(err.message)));
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Envelope {
  schema?: string;
  type?: string;
  token?: string;
  challenge?: string;
  header?: { token?: string; event_type?: string; event_id?: string };
  event?: unknown;
}

/**
 * A decrypted body node-sdk can dispatch: the URL check, a v2.0 envelope (`header.event_type`,
 * events and card callbacks alike), or a v1 `event_callback`. Anything else is refused before it
 * reaches the SDK's parser.
 */
function envelopeProblem(e: unknown): string | undefined {
  if (!isRecord(e)) return `decrypted body is ${e === null ? 'null' : Array.isArray(e) ? 'an array' : typeof e}, not an object`;
  const env = e as Envelope;
  if (env.header !== undefined && !isRecord(env.header)) return 'envelope header is not an object';
  if (env.type === 'url_verification') return undefined;
  if (typeof env.header?.event_type === 'string') return env.event === undefined || isRecord(env.event) ? undefined : 'event is not an object';
  if (env.type === 'event_callback' && isRecord(env.event)) return undefined;
  return 'not an event envelope (no header.event_type)';
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const json = body === EMPTY ? EMPTY_JSON : Buffer.from(JSON.stringify(body));
  // With its length, the answer goes out in one write, not chunked.
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': json.length }).end(json);
}

/** The plain ack, the answer to nearly every request. */
const EMPTY = {};
const EMPTY_JSON = Buffer.from('{}');

/**
 * node-sdk's `AESCipher`, without its detour through a hex string: key = SHA-256 of the Encrypt Key,
 * AES-256-CBC, the IV the first 16 bytes of the base64 data (PLATFORMS.md B3).
 */
function decipher(encryptKey: string): (encrypted: string) => string {
  const key = createHash('sha256').update(encryptKey).digest();
  return (encrypted) => {
    const data = Buffer.from(encrypted, 'base64');
    const d = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
    return Buffer.concat([d.update(data.subarray(16)), d.final()]).toString('utf8');
  };
}

/**
 * The `encrypt` field of an encrypted body. Feishu posts exactly `{"encrypt":"<base64>"}`: that shape
 * is read without a JSON parse (a value with no quote or backslash needs no unescaping; anything
 * that is not base64 then fails to decrypt); any other shape goes through JSON.parse.
 */
function encryptedField(raw: string): unknown {
  const PREFIX = '{"encrypt":"';
  if (raw.startsWith(PREFIX) && raw.endsWith('"}')) {
    const value = raw.slice(PREFIX.length, -2);
    if (!value.includes('"') && !value.includes('\\')) return { encrypt: value };
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new Rejection(400, 'body is not JSON');
  }
}

export function createWebhookListener(opts: WebhookOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const decrypt = decipher(opts.encryptKey);
  const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const now = opts.now ?? Date.now;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw new Rejection(405, `method ${req.method}`);
    const raw = await readBody(req);
    const outer = encryptedField(raw);
    if (!isRecord(outer) || typeof outer.encrypt !== 'string') throw new Rejection(400, 'body is not encrypted, but FEISHU_ENCRYPT_KEY is set');
    let decrypted: unknown;
    try {
      decrypted = JSON.parse(decrypt(outer.encrypt));
    } catch {
      throw new Rejection(400, 'cannot decrypt the body: check FEISHU_ENCRYPT_KEY');
    }
    const problem = envelopeProblem(decrypted);
    if (problem) throw new Rejection(400, problem);
    const envelope = decrypted as Envelope;
    // On the decrypted envelope, before dispatch: node-sdk flattens header and event, and a card
    // callback's own `event.token` would then hide the verification token.
    const token = envelope.header?.token ?? envelope.token;
    if (typeof token !== 'string' || !safeEqual(token, opts.verificationToken)) throw new Rejection(401, 'verification token mismatch: check FEISHU_VERIFICATION_TOKEN');
    // Feishu sends the URL-verification challenge without signature headers.
    if (envelope.type === 'url_verification') {
      send(res, 200, { challenge: envelope.challenge });
      return;
    }
    const timestamp = header(req, 'x-lark-request-timestamp');
    const nonce = header(req, 'x-lark-request-nonce');
    const signature = header(req, 'x-lark-signature');
    if (!timestamp || !nonce || !signature) throw new Rejection(401, 'signature headers missing');
    // The documented signature covers the raw body; node-sdk signs JSON.stringify(parsed body).
    // They agree for Feishu's compact JSON; accepting either costs nothing, both need the key.
    const sign = (body: string) => createHash('sha256').update(timestamp + nonce + opts.encryptKey + body).digest('hex');
    if (!safeEqual(sign(raw), signature) && !safeEqual(sign(JSON.stringify(outer)), signature)) throw new Rejection(401, 'bad signature');
    const ageMs = now() - Number(timestamp) * 1000;
    if (!Number.isFinite(ageMs) || Math.abs(ageMs) > maxSkewMs) {
      throw new Rejection(401, `stale timestamp (${Number.isFinite(ageMs) ? `${Math.round(ageMs / 1000)} s old` : 'unreadable'}; ${envelope.header?.event_type ?? '?'} ${envelope.header?.event_id ?? ''})`);
    }
    const result = await opts.dispatcher.invoke(envelope, { needCheck: false });
    // A handler's object is the callback response (a card); anything else — including the SDK's
    // "no … event handle" string for an event type we do not subscribe to — is a plain ack, so
    // Feishu never re-pushes it.
    send(res, 200, result && typeof result === 'object' ? result : EMPTY);
  }

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof Rejection) {
        opts.report.rejected('feishu', err.status, `${req.method} ${req.url}: ${err.message}`);
        refuse(res, err.status);
      } else if (err instanceof EventRefused) {
        // Not acked: Feishu pushes it again (after 15 s, then later). Its event line says so.
        send(res, 503, { error: 'busy' });
      } else if (err instanceof Aborted) {
        opts.logger.info({ platform: 'feishu' }, `request aborted by the client: ${err.message}`);
        res.destroy();
      } else {
        opts.logger.error('feishu webhook: handler failed:', err);
        send(res, 500, { error: 'internal error' });
      }
    });
  };
}
