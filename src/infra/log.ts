/**
 * Structured logs on pino: one JSON object per line on stderr, pretty when stderr is a terminal.
 * Every call site keeps the console-like shape `log.info('feishu: reply failed:', err)`; a plain
 * object as the first argument becomes fields of the line (`log.info({ platform, outcome }, 'event')`).
 *
 * Secrets never reach the output: every line passes through `redact` just before it is written, so
 * a token quoted by Bolt's or node-sdk's own debug logging, or inside an error, is masked too.
 */
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import pino from 'pino';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

export interface Logger {
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
}

export interface LoggerOptions {
  /** Configured secrets (tokens, signing secret, app secret, keys): masked wherever they appear. */
  secrets?: (string | undefined)[];
  /** Where lines go; default stderr (synchronous, so nothing is lost when the process exits). */
  destination?: pino.DestinationStream;
  /** Human-readable lines instead of JSON; default: when stderr is a terminal. */
  pretty?: boolean;
}

export const REDACTED = '[redacted]';

/** Token shapes masked even when not configured (a tenant token, a token pasted into a question). */
const TOKEN_PATTERNS = /\b(?:xox[abeprs]|xapp)-[\w-]+|\b(?:Bearer|Basic)\s+[^\s"'\\]+|\b[tu]-g[\w-]{20,}/g;

/**
 * Masks every configured secret and every token-shaped string. A secret is looked for as written,
 * as `inspect` quotes it inside a logged object, and both of those JSON-escaped in the line.
 */
export function redactor(secrets: (string | undefined)[]): (line: string) => string {
  const json = (s: string) => JSON.stringify(s).slice(1, -1);
  const needles = [...new Set(secrets.filter((s): s is string => !!s && s.length >= 4)
    .flatMap((s) => [s, inspect(s).slice(1, -1)]).flatMap((s) => [s, json(s)]))]
    .sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const n of needles) if (out.includes(n)) out = out.split(n).join(REDACTED);
    return out.replace(TOKEN_PATTERNS, REDACTED);
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Error) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Errors are logged as type, message, code and stack only: SDK errors (axios) carry the whole
 * request — headers with the bearer token, the card, the app secret of a token call.
 */
function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { type: err.name, message: err.message, ...(code !== undefined ? { code } : {}), stack: err.stack };
}

function format(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg instanceof Error) return arg.message;
  return inspect(arg, { depth: 3, breakLength: Infinity, maxStringLength: 300 });
}

export function createLogger(level: LogLevel = 'info', name = 'iiot', options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? (!options.destination && process.stderr.isTTY === true);
  const destination = options.destination ?? (pretty
    // pino-pretty is loaded only for a terminal; as a stream (not a transport) it needs no worker thread.
    ? createRequire(import.meta.url)('pino-pretty')({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name', singleLine: true })
    : pino.destination({ dest: 2, sync: true }));
  const p = pino({
    name,
    level,
    base: { name },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: serializeError },
    hooks: { streamWrite: redactor(options.secrets ?? []) },
  }, destination);

  const at = (l: LogLevel) => (...args: unknown[]): void => {
    if (!p.isLevelEnabled(l)) return;
    const fields = isPlainObject(args[0]) ? { ...args.shift() as Record<string, unknown> } : {};
    const err = args.find((a) => a instanceof Error);
    if (err && fields.err === undefined) fields.err = err;
    p[l](fields, args.map(format).join(' '));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
