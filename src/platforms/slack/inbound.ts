/**
 * Which Slack `app_mention` and `message` events get an answer, and why the others do not: the one
 * decision, pure, so each shape real workspaces send is tested by itself. The adapter reports the
 * reason on the event's log line (`outcome=ignored reason=…`), never the message's text.
 *
 * The rules, in order (the first that applies decides):
 *  1. a malformed event (its text not a string, no channel or ts) → ignored, and a warn line;
 *  2. not written by a person: another bot, a bot_message, Slackbot (`USLACKBOT`), the bot itself;
 *  3. a subtype that is not a new message (edits, deletions, joins…): only `thread_broadcast`
 *     (a thread reply also sent to the channel) and `file_share` (a message with a file) are new;
 *  4. where it was written: a mention anywhere; a `message` in the bot's DM; a reply in a channel
 *     thread that does not mention the bot is a follow-up, answered only in a thread the bot has
 *     answered in (the adapter asks conversations.ts); any other channel message stops here;
 *  5. what is left is answered; a message with no words (a file alone) gets the help card, as a
 *     Feishu image does: the core answers empty text with it.
 */

import type { Conversation } from '../conversations.js';

/** The fields of an `app_mention` / `message` event this decision reads (as Slack sends them: anything may be odd). */
export interface SlackMessageEvent {
  type?: unknown;
  subtype?: unknown;
  user?: unknown;
  bot_id?: unknown;
  text?: unknown;
  channel?: unknown;
  channel_type?: unknown;
  ts?: unknown;
  thread_ts?: unknown;
}

/** The bot's own ids (auth.test), so its own messages are never answered. */
export interface SlackSelf {
  botId?: string;
  botUserId?: string;
}

export type SlackMessageVerdict =
  | {
    kind: 'answer';
    /** What the person wrote, markup and all; empty for a file shared without words (answer: help). */
    text: string;
    user: string;
    channel: string;
    ts: string;
    /** Where the reply goes: a mention's thread (or a new one under it); a DM's thread, if any. */
    threadTs?: string;
    /** The conversation it continues (or starts). */
    conversation: Conversation;
    /** An un-mentioned thread reply: answered only if the bot is part of `conversation` already. */
    followUp?: true;
  }
  | { kind: 'ignore'; reason: string; malformed?: true };

/** Slackbot's user id: its notices in the bot's DM ("You have been removed from #…") are not questions. */
export const SLACKBOT_USER_ID = 'USLACKBOT';

/** Subtypes that are a person's new message; every other one is an edit, deletion, join, bot post… */
const NEW_MESSAGE_SUBTYPES = new Set(['thread_broadcast', 'file_share']);

const ignore = (reason: string): SlackMessageVerdict => ({ kind: 'ignore', reason });

/**
 * Why an `app_mention` / `message` event cannot be read as one (Slack never sends these; a signed
 * body that does is acked like any event, over HTTP or Socket Mode, and ignored with a warn line).
 * Undefined when it reads fine. Names fields and JSON types only, never their content.
 */
function malformedMessageEvent(event: SlackMessageEvent): string | undefined {
  const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);
  if (event.text === undefined ? event.type === 'app_mention' : typeof event.text !== 'string') {
    return `${String(event.type)} text is ${event.text === undefined ? 'missing' : kindOf(event.text)}`;
  }
  for (const field of ['channel', 'ts'] as const) {
    if (typeof event[field] !== 'string') return `${String(event.type)} ${field} is ${event[field] === undefined ? 'missing' : kindOf(event[field])}`;
  }
  for (const field of ['subtype', 'user', 'thread_ts'] as const) {
    if (event[field] !== undefined && typeof event[field] !== 'string') return `${String(event.type)} ${field} is ${kindOf(event[field])}`;
  }
  return undefined;
}

/** Decides whether an `app_mention` or `message` event is answered (see the rules above). */
export function screenMessageEvent(event: SlackMessageEvent, self: SlackSelf): SlackMessageVerdict {
  const malformed = malformedMessageEvent(event);
  if (malformed) return { kind: 'ignore', reason: malformed, malformed: true };
  const { subtype, user } = event as { subtype?: string; user?: string };
  // 2. Only people: never answer our own replies (message.im echoes them), start a bot-to-bot loop,
  // or answer Slackbot. Slack's own file_share example carries `"bot_id": null` for a person's message.
  if ((self.botUserId !== undefined && user === self.botUserId) || (self.botId !== undefined && event.bot_id === self.botId)) return ignore('own message');
  if (event.bot_id != null || subtype === 'bot_message') return ignore('bot message');
  if (user === SLACKBOT_USER_ID) return ignore('Slackbot');
  // 3.
  if (subtype !== undefined && !NEW_MESSAGE_SUBTYPES.has(subtype)) return ignore(`subtype ${subtype.slice(0, 40)}`);
  if (user === undefined) return ignore('no user');
  const channel = event.channel as string;
  const ts = event.ts as string;
  const threadTs = event.thread_ts as string | undefined;
  const text = event.text as string | undefined ?? '';
  // 4. A mention is answered in its thread: the thread it was written in (a broadcast reply's too), or a new one under it.
  if (event.type === 'app_mention') return { kind: 'answer', text, user, channel, ts, threadTs: threadTs ?? ts, conversation: inThread(channel, threadTs ?? ts) };
  // A DM's thread is a conversation of its own; top-level, the DM is one, within the window.
  if (event.channel_type === 'im') return { kind: 'answer', text, user, channel, ts, threadTs, conversation: threadTs ? inThread(channel, threadTs) : inDm(channel) };
  if (event.channel_type !== 'channel' && event.channel_type !== 'group') return ignore('not a channel the bot subscribes to');
  if (threadTs === undefined || threadTs === ts) return ignore('channel message outside a thread');
  // The same message also arrives as an app_mention, answered there (and deduplicated on channel+ts).
  if (self.botUserId && text.includes(`<@${self.botUserId}`)) return ignore('mention: answered as app_mention');
  // A file shared into the thread without words is not a question to the bot (rule 5 is for DMs).
  if (!text.trim()) return ignore('thread reply without words');
  return { kind: 'answer', text, user, channel, ts, threadTs, conversation: inThread(channel, threadTs), followUp: true };
}

/** A thread: in a channel, or in the bot's DM. */
export const inThread = (channel: string, threadTs: string): Conversation => ({ key: `${channel}:${threadTs}`, span: 'thread' });
/** Top-level messages in the bot's DM: one conversation, within the window. */
export const inDm = (channel: string): Conversation => ({ key: channel, span: 'dm' });
/** One person's `/iiot` in one channel (commands cannot be used in threads), for a few minutes. */
export const inCommand = (channel: string, user: string): Conversation => ({ key: `cmd:${channel}:${user}`, span: 'command' });

/**
 * The conversation a message the bot posted belongs to, for a click on its buttons: the thread it
 * is in; top-level in a DM (channel ids starting with D), the DM; top-level in a channel (a shared
 * card), the thread it would start.
 */
export function conversationOfPost(channel: string, ts: string | undefined, threadTs: string | undefined): Conversation | undefined {
  if (threadTs) return inThread(channel, threadTs);
  if (channel.startsWith('D')) return inDm(channel);
  return ts ? inThread(channel, ts) : undefined;
}
