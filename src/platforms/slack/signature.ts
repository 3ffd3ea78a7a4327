/**
 * Slack's request signature (PLATFORMS.md A3), checked once per request with one HMAC: the
 * `X-Slack-Signature` header is `v0=` and the hex HMAC-SHA256, keyed by the signing secret, of
 * `v0:{X-Slack-Request-Timestamp}:{raw body}`, and the timestamp must lie within five minutes of
 * now, either way, so a captured request cannot be replayed later.
 *
 * The same rules as Bolt's verifySlackRequest, with two differences: the comparison is
 * `timingSafeEqual` on the digests (Bolt's tsscmp draws random bytes and computes two more HMACs
 * per request, a tenth of the route's CPU), and a timestamp far in the future is refused too, as
 * Slack's documentation asks (Bolt lets it through).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from this machine's clock. */
export const SIGNATURE_WINDOW_S = 5 * 60;

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/** Why the request is not Slack's (a short reason for the log), or undefined when it is. */
export function slackSignatureProblem(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: Buffer,
  nowMs = Date.now(),
): string | undefined {
  const { timestamp, signature } = headers;
  if (timestamp === undefined || !TIMESTAMP.test(timestamp)) return 'x-slack-request-timestamp missing or not a number';
  const skewS = Math.round(nowMs / 1000 - Number(timestamp));
  if (Math.abs(skewS) > SIGNATURE_WINDOW_S) {
    return `timestamp ${Math.abs(skewS)} s ${skewS > 0 ? 'old' : 'in the future'} (more than ${SIGNATURE_WINDOW_S / 60} minutes): stale or replayed`;
  }
  if (signature === undefined) return 'x-slack-signature missing';
  if (!SIGNATURE.test(signature)) return 'signature mismatch (not v0= and a hex digest)';
  // The raw bytes, as Slack signed them: no decoding, and no copy of the body into the base string.
  const digest = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest();
  return timingSafeEqual(digest, Buffer.from(signature.slice(3), 'hex')) ? undefined : 'signature mismatch';
}
