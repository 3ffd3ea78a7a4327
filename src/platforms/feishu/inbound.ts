/**
 * Feishu event payloads (as node-sdk's EventDispatcher hands them over: header and event flattened
 * into one object) → what the adapter needs. Pure functions, so the odd shapes are tested directly.
 */
import type { Lang } from '../../core/types.js';
import type { Conversation } from '../conversations.js';

export interface FeishuMention {
  key: string;
  id?: { open_id?: string; user_id?: string; union_id?: string };
  name?: string;
}

export interface MessageEvent {
  event_id?: string;
  sender?: { sender_id?: { open_id?: string; user_id?: string }; sender_type?: string };
  message?: {
    message_id?: string;
    /** The first message of the reply chain or topic this one is in ('' or absent for a top-level message). */
    root_id?: string;
    parent_id?: string;
    /** Set when the message is in a thread (话题), rather than a plain quoted reply. */
    thread_id?: string;
    chat_id?: string;
    /** p2p, group, or topic_group (a group where every top-level message starts a topic). */
    chat_type?: string;
    message_type?: string;
    content?: string;
    mentions?: FeishuMention[];
  };
}

export interface CardActionEvent {
  operator?: { open_id?: string; user_id?: string };
  action?: { value?: unknown; tag?: string };
  context?: { open_message_id?: string; open_chat_id?: string };
}

export interface MenuEvent {
  event_id?: string;
  operator?: { operator_id?: { open_id?: string; user_id?: string } };
  event_key?: string;
}

/** What a message turned into: text to answer, a non-text message (help card), or nothing to do. */
export type MessageKind =
  | { kind: 'text'; text: string }
  | { kind: 'unsupported'; messageType: string }
  | { kind: 'ignore'; reason: string };

function parseJson(raw: string | undefined): unknown {
  try {
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
}

interface PostElement { tag?: string; text?: string; user_id?: string; user_name?: string; href?: string }
interface PostBody { title?: string; content?: PostElement[][] }

/**
 * A received `post` is `{title, content: [[element…]…]}`; what a client sends may be wrapped in a
 * locale (`{zh_cn: {…}}`). Mentions come as `at` elements whose `user_id` is the mentioned
 * open_id; they are turned back into the `@_user_N` placeholder the core strips, as in text.
 */
export function postToText(raw: string | undefined, mentions: FeishuMention[] = []): string {
  const parsed = parseJson(raw);
  if (!parsed || typeof parsed !== 'object') return '';
  const obj = parsed as Record<string, unknown>;
  const body = (Array.isArray(obj.content) ? obj : Object.values(obj).find((v) => v && typeof v === 'object' && Array.isArray((v as PostBody).content))) as PostBody | undefined;
  if (!body) return '';
  const lines: string[] = [];
  if (typeof body.title === 'string' && body.title.trim()) lines.push(body.title);
  for (const paragraph of body.content ?? []) {
    if (!Array.isArray(paragraph)) continue;
    lines.push(paragraph.map((el) => postElementText(el, mentions)).join(''));
  }
  return lines.join('\n').trim();
}

function postElementText(el: PostElement, mentions: FeishuMention[]): string {
  switch (el?.tag) {
    case 'text':
    case 'a':
    case 'code_block':
      return typeof el.text === 'string' ? el.text : '';
    case 'at': {
      const m = mentions.find((x) => x.key === el.user_id || (el.user_id && x.id?.open_id === el.user_id));
      // An @everyone or an unknown user carries nothing to answer.
      return m ? ` ${m.key} ` : '';
    }
    default:
      return '';
  }
}

/**
 * Decides what to do with `im.message.receive_v1`. Groups deliver only @mentions unless the app has
 * the sensitive "all group messages" scope, so the bot's own open_id is checked explicitly: a group
 * message that does not mention this bot is never answered.
 */
export function classifyMessage(ev: MessageEvent, botOpenId: string | undefined): MessageKind {
  const msg = ev.message;
  if (!msg?.message_id) return { kind: 'ignore', reason: 'no message_id' };
  if (ev.sender?.sender_type && ev.sender.sender_type !== 'user') return { kind: 'ignore', reason: `sender_type ${ev.sender.sender_type}` };
  const mentions = msg.mentions ?? [];
  if (msg.chat_type !== 'p2p') {
    if (!botOpenId) return { kind: 'ignore', reason: 'bot open_id unknown' };
    if (!mentions.some((m) => m.id?.open_id === botOpenId)) return { kind: 'ignore', reason: 'group message without a bot mention' };
  }
  const type = msg.message_type ?? '';
  if (type === 'text') {
    const content = parseJson(msg.content) as { text?: unknown } | undefined;
    return { kind: 'text', text: typeof content?.text === 'string' ? content.text : '' };
  }
  if (type === 'post') return { kind: 'text', text: postToText(msg.content, mentions) };
  return { kind: 'unsupported', messageType: type || 'unknown' };
}

/** The command a button carried (`{cmd}`), or undefined for a value this bot did not put there. */
export function commandFromAction(ev: CardActionEvent, maxChars: number): string | undefined {
  let value = ev.action?.value;
  // Some clients have delivered callback values as a JSON string rather than an object.
  if (typeof value === 'string') value = parseJson(value);
  const cmd = value && typeof value === 'object' ? (value as { cmd?: unknown }).cmd : undefined;
  return typeof cmd === 'string' && cmd.trim() && cmd.length <= maxChars ? cmd : undefined;
}

/**
 * Language for replies that have no user text to detect it from (menu clicks, images): Lark is the
 * international edition, Feishu the Chinese one.
 */
export function defaultLangFor(domain: string): Lang {
  return /larksuite|lark\.com/i.test(domain) ? 'en' : 'zh';
}

/**
 * Where a message's conversation is. One-to-one: the person (one p2p chat each; a bot-menu click
 * names the person but not the chat). A group: the chat and the reply chain or topic the message
 * is in; a top-level mention is the root of the chain its answer starts. `inThread`: the question
 * came from a thread or a topic, so the answer goes there too (`reply_in_thread`).
 */
export function conversationOf(ev: MessageEvent): { conversation?: Conversation; inThread: boolean } {
  const msg = ev.message;
  const openId = ev.sender?.sender_id?.open_id;
  const inThread = !!msg?.thread_id || msg?.chat_type === 'topic_group';
  if (msg?.chat_type === 'p2p') return { conversation: openId ? personal(openId) : undefined, inThread };
  const root = msg?.root_id || msg?.message_id;
  return { conversation: msg?.chat_id && root ? { key: `${msg.chat_id}:${root}`, span: 'thread' } : undefined, inThread };
}

/** A person's one-to-one chat with the bot, within the DM window. */
export const personal = (openId: string): Conversation => ({ key: `p2p:${openId}`, span: 'dm' });

/**
 * The conversation a clicked card belongs to, as its button carried it (`conv`), if it is the
 * clicker's own chat or the chat the card is in: a value from elsewhere continues nothing.
 */
export function conversationOfAction(ev: CardActionEvent): Conversation | undefined {
  let value = ev.action?.value;
  if (typeof value === 'string') value = parseJson(value);
  const conv = value && typeof value === 'object' ? (value as { conv?: unknown }).conv : undefined;
  if (typeof conv !== 'string' || conv.length > 200) return undefined;
  const openId = ev.operator?.open_id;
  if (openId && conv === personal(openId).key) return personal(openId);
  const chat = ev.context?.open_chat_id;
  return chat && conv.startsWith(`${chat}:`) ? { key: conv, span: 'thread' } : undefined;
}
