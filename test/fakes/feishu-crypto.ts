/**
 * Feishu's side of webhook delivery: events in the real v2.0 format, encrypted (AES-256-CBC, key =
 * SHA-256 of the Encrypt Key, random IV prepended, base64) and signed (hex SHA-256 of timestamp +
 * nonce + Encrypt Key + body) the way Feishu sends them, posted as compact JSON.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function encrypt(encryptKey: string, plaintext: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function decrypt(encryptKey: string, encrypted: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const data = Buffer.from(encrypted, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
  return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
}

export function sign(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + body).digest('hex');
}

let counter = 0;
const hex = (n: number) => randomBytes(n).toString('hex');
export const newEventId = () => hex(16);
export const newMessageId = () => `om_${hex(16)}`;

export const TENANT_KEY = '2ca1d211f64f6438';

function header(eventType: string, appId: string, token: string, eventId = newEventId()) {
  return { event_id: eventId, token, create_time: String(Date.now()), event_type: eventType, tenant_key: TENANT_KEY, app_id: appId };
}

export interface Mention { key: string; openId: string; name: string }

export interface MessageSpec {
  appId: string;
  token: string;
  chatType: 'group' | 'p2p' | 'topic_group';
  /** For `text`: the text with `@_user_N` placeholders, as Feishu delivers it. */
  text?: string;
  messageType?: string;
  /** Raw `content` for non-text types (post, image, sticker, file). */
  content?: unknown;
  mentions?: Mention[];
  senderOpenId?: string;
  messageId?: string;
  eventId?: string;
  chatId?: string;
  /** The first message of the reply chain or topic it is in (a reply; every message of a topic after the first). */
  rootId?: string;
  /** The topic (话题) it is in: set for a thread reply, not for a quoted reply. */
  threadId?: string;
}

/** `im.message.receive_v1`, schema 2.0 (as in Feishu's event docs). */
export function messageEvent(spec: MessageSpec) {
  const type = spec.messageType ?? 'text';
  const content = type === 'text' ? { text: spec.text ?? '' } : spec.content;
  return {
    schema: '2.0',
    header: header('im.message.receive_v1', spec.appId, spec.token, spec.eventId),
    event: {
      sender: {
        sender_id: { union_id: `on_${hex(16)}`, user_id: `u${++counter}`, open_id: spec.senderOpenId ?? 'ou_asker0000000000000000000000001' },
        sender_type: 'user',
        tenant_key: TENANT_KEY,
      },
      message: {
        message_id: spec.messageId ?? newMessageId(),
        root_id: spec.rootId ?? '',
        parent_id: spec.rootId ?? '',
        ...(spec.threadId ? { thread_id: spec.threadId } : {}),
        create_time: String(Date.now()),
        update_time: String(Date.now()),
        chat_id: spec.chatId ?? (spec.chatType === 'p2p' ? 'oc_p2pchat000000000000000000000001' : 'oc_groupchat00000000000000000000001'),
        chat_type: spec.chatType,
        message_type: type,
        content: JSON.stringify(content),
        ...(spec.mentions?.length
          ? { mentions: spec.mentions.map((m) => ({ key: m.key, id: { union_id: `on_${m.openId}`, user_id: `u_${m.openId}`, open_id: m.openId }, name: m.name, tenant_key: TENANT_KEY })) }
          : {}),
        user_agent: 'Mozilla/5.0 Lark/7.30.0',
      },
    },
  };
}

/** `card.action.trigger` (new card callback, schema 2.0): note its own `c-…` token inside `event`. */
export function cardActionEvent(spec: { appId: string; token: string; value: unknown; openId?: string; messageId?: string; chatId?: string }) {
  return {
    schema: '2.0',
    header: header('card.action.trigger', spec.appId, spec.token),
    event: {
      operator: { tenant_key: TENANT_KEY, user_id: 'u_clicker', open_id: spec.openId ?? 'ou_clicker000000000000000000000001', union_id: 'on_clicker' },
      token: `c-${hex(20)}`,
      action: { value: spec.value, tag: 'button' },
      host: 'im_message',
      delivery_type: 'url_preview',
      context: { open_message_id: spec.messageId ?? newMessageId(), open_chat_id: spec.chatId ?? 'oc_groupchat00000000000000000000001' },
    },
  };
}

/** `application.bot.menu_v6`: no chat, no text; just who clicked which key. */
export function menuEvent(spec: { appId: string; token: string; eventKey: string; openId?: string; eventId?: string }) {
  return {
    schema: '2.0',
    header: header('application.bot.menu_v6', spec.appId, spec.token, spec.eventId),
    event: {
      operator: { operator_name: 'Asker', operator_id: { union_id: 'on_menu', user_id: 'u_menu', open_id: spec.openId ?? 'ou_menuclicker00000000000000000001' } },
      event_key: spec.eventKey,
      timestamp: Date.now(),
    },
  };
}

export function challengeEvent(token: string, challenge = `ch-${hex(8)}`) {
  return { challenge, token, type: 'url_verification' };
}

export interface DeliveryOptions {
  encryptKey: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  nonce?: string;
  /** Replace the signature with this value. */
  signature?: string;
  /** Send no X-Lark-* headers (the URL-verification challenge arrives like this). */
  unsigned?: boolean;
  /** Post this body instead of the encrypted envelope. */
  rawBody?: string;
}

/** Posts an envelope the way Feishu does; resolves to the HTTP status and the parsed JSON answer. */
export async function deliver(url: string, envelope: unknown, opts: DeliveryOptions): Promise<{ status: number; body: any; ms: number }> {
  const body = opts.rawBody ?? JSON.stringify({ encrypt: encrypt(opts.encryptKey, JSON.stringify(envelope)) });
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? hex(8);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Feishu-Event-Push' };
  if (!opts.unsigned) {
    headers['x-lark-request-timestamp'] = timestamp;
    headers['x-lark-request-nonce'] = nonce;
    headers['x-lark-signature'] = opts.signature ?? sign(timestamp, nonce, opts.encryptKey, body);
  }
  const started = Date.now();
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, ms: Date.now() - started };
}
