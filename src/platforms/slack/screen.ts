/**
 * Which correctly signed request bodies Bolt can take. Bolt parses a form body (its `payload` field
 * as JSON when present) or else the whole body as JSON, then routes on the body's shape
 * (`getTypeAndConversation` in Bolt's helpers.ts). A body of another shape is a crash (`null`: an
 * unhandled rejection reading `ssl_check`), a TypeError (`"event": null`), or a 3-second wait for
 * a 404 (`{}`, `[]`). Those are refused here, at once, with a 4xx.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type Screened =
  /** `body`: the parsed JSON (a form's `payload`), absent for a plain form. */
  | { ok: true; form?: URLSearchParams; body?: Record<string, unknown> }
  | { ok: false; status: 400 | 415; reason: string };

const FORM = 'application/x-www-form-urlencoded';
const NOT_SLACK: Screened = { ok: false, status: 400, reason: 'body is no Slack request (no event, command, action or payload)' };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Body shapes Bolt answers or routes to a listener. */
function routable(body: { [key: string]: unknown }): boolean {
  if (body.ssl_check === '1' || body.type === 'url_verification') return true;
  if (body.event !== undefined) return isRecord(body.event) && typeof body.event.type === 'string'; // Bolt matches it as a string
  if (body.command !== undefined) return typeof body.command === 'string';
  // Bolt routes on the first action and matches its action_id as a string.
  if (body.actions !== undefined) {
    return Array.isArray(body.actions) && body.actions.length > 0
      && body.actions.every((a) => isRecord(a) && (a.action_id === undefined || typeof a.action_id === 'string'));
  }
  return body.name !== undefined
    || ['block_suggestion', 'dialog_submission', 'shortcut', 'message_action', 'view_submission', 'view_closed'].includes(body.type as string);
}

function repeatedField(form: URLSearchParams): string | undefined {
  const seen = new Set<string>();
  for (const key of form.keys()) {
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `contentType` as normalised by the route (a form's `; charset=…` removed). */
export function screenSignedBody(contentType: string | undefined, body: string): Screened {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let parsed: unknown;
  let form: URLSearchParams | undefined;
  if (type === FORM) {
    form = new URLSearchParams(body);
    // Slack sends each field once. Bolt turns a repeated one into an array, which matches no listener
    // (a repeated `command`: held 3 s, then a 404).
    const repeated = repeatedField(form);
    if (repeated !== undefined) return { ok: false, status: 400, reason: `form field "${repeated.slice(0, 40)}" repeated` };
    const payload = form.get('payload');
    // The hot path, a slash command, is checked on the form itself without copying it.
    if (payload === null) return form.has('command') || form.get('ssl_check') === '1' || routable(Object.fromEntries(form))
      ? { ok: true, form }
      : NOT_SLACK;
    parsed = parseJson(payload);
  } else if (type === 'application/json') {
    parsed = parseJson(body);
  } else {
    return { ok: false, status: 415, reason: `content type "${type.slice(0, 60)}" (Slack sends JSON or a form)` };
  }
  if (!isRecord(parsed)) return { ok: false, status: 400, reason: `body is ${parsed === undefined ? 'not valid JSON' : `JSON ${parsed === null ? 'null' : Array.isArray(parsed) ? 'array' : typeof parsed}`}, not an object` };
  if (!routable(parsed)) return NOT_SLACK;
  return { ok: true, form, body: parsed };
}

/**
 * Slack's periodic `ssl_check=1` request to a slash command's URL, which carries no signature
 * (bolt-js#1397). Only the exact form `ssl_check=1` (and Slack's `token`) with no signature header
 * counts, so an unsigned body cannot smuggle a command or payload past the check (bolt-js#2898).
 */
export function isSslCheck(headers: IncomingHttpHeaders, body: Buffer): boolean {
  if (headers['x-slack-signature'] !== undefined || headers['content-type'] !== FORM || body.length > 1024) return false;
  const form = new URLSearchParams(body.toString());
  return form.get('ssl_check') === '1' && [...form.keys()].every((k) => k === 'ssl_check' || k === 'token');
}
