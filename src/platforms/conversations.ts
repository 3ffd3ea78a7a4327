/**
 * Where each conversation's context lives between two questions: one entry per conversation in the
 * shared Store (Redis across replicas, so a follow-up may reach any replica). Platform-neutral: the
 * adapters say where a conversation is (a Slack thread, a DM, a Feishu topic…) as a key of their
 * own and how long it lasts; this module keeps what the core returned for it — the last answer's
 * ids and intent, never the user's words — and hands it back with the next question.
 *
 * A store that fails or is slow costs only the follow-up: it is answered on its own, at once. Each
 * event costs at most one store read (recall) and one write (keep), and the answer never waits for
 * the write.
 */
import { INTENTS, type ConversationContext, type Platform } from '../core/types.js';
import { withTimeout } from '../infra/deadline.js';
import type { Logger } from '../infra/log.js';
import type { Store } from '../infra/store.js';

/**
 * How a conversation ends: `thread` (a Slack thread, a Feishu reply chain or topic) is quiet for a day;
 * `dm` (a top-level DM, a Feishu one-to-one chat) continues for the window (CONVERSATION_WINDOW_MINUTES);
 * `command` (someone's `/iiot` in one channel) for a few minutes.
 */
export type Span = 'thread' | 'dm' | 'command';

/** A conversation as an adapter names it: a key unique within its platform, and how long it lasts. */
export interface Conversation {
  key: string;
  span: Span;
}

/** What was kept for a conversation: that the bot answered there, and the context of its last answer. */
export interface Kept {
  context?: ConversationContext;
}

export const THREAD_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_WINDOW_MS = 30 * 60 * 1000;
export const COMMAND_TTL_MS = 5 * 60 * 1000;
/** Longest wait for a recall before the question is answered on its own. */
export const RECALL_TIMEOUT_MS = 500;
/** Ids kept per kind, as many as the core reads back (src/core/followup-answer.ts); there are 31 regions. */
export const MAX_IDS = 64;
/** The bound on one stored entry (a context of every region is about 600 characters). */
export const MAX_ENTRY_CHARS = 4096;

export interface Conversations {
  /** What was kept for `conversation`; undefined when nothing was (or the store failed or was slow). */
  recall(conversation: Conversation | undefined): Promise<Kept | undefined>;
  /**
   * Keeps `context` (may be undefined: the bot answered, with nothing to refer back to) for the
   * conversation's span, renewed by each answer. Does not wait for the store.
   */
  keep(conversation: Conversation | undefined, context: ConversationContext | undefined): void;
}

export interface ConversationsOptions {
  store: Store;
  platform: Platform;
  logger: Logger;
  /** How long a DM (Slack) or one-to-one chat (Feishu) continues its last context. */
  windowMs?: number;
  recallTimeoutMs?: number;
}

const KNOWN_INTENTS = new Set<string>(INTENTS);
const ID_LISTS = ['regionIds', 'groupIds', 'tierIds', 'strategyIds', 'metricIds'] as const;
const isIdList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= MAX_IDS && v.every((id) => typeof id === 'string' && /^[\w-]{1,64}$/.test(id));

/**
 * The context as stored: as the core returned it (ids and the intent; the core adds no words). One
 * too large to keep is stored as none: the bot still answered there.
 */
export function encodeContext(context: ConversationContext | undefined): string {
  if (!context || !ID_LISTS.every((k) => isIdList(context[k]))) return '{}';
  const json = JSON.stringify({ context });
  return json.length <= MAX_ENTRY_CHARS ? json : '{}';
}

/**
 * An entry read back. One not of the stored shape (another version, a corrupted value) counts as
 * nothing kept, or as no context; the core checks every id it reads in a context as well.
 */
export function decodeKept(raw: string | undefined): Kept | undefined {
  if (raw === undefined) return undefined;
  let parsed: { context?: Record<string, unknown> } | null;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const c = parsed.context;
  const valid = c && typeof c === 'object' && KNOWN_INTENTS.has(c.intent as string) && (c.lang === 'zh' || c.lang === 'en')
    && ID_LISTS.every((k) => isIdList(c[k]));
  return valid ? { context: c as unknown as ConversationContext } : {};
}

export function createConversations({ store, platform, logger, windowMs = DEFAULT_WINDOW_MS, recallTimeoutMs = RECALL_TIMEOUT_MS }: ConversationsOptions): Conversations {
  const ttl: Record<Span, number> = { thread: THREAD_TTL_MS, dm: windowMs, command: COMMAND_TTL_MS };
  const storeKey = (c: Conversation) => `conv:${platform}:${c.key}`;
  // One warning when the store starts failing, not one per event; no key (it names a channel and a
  // thread) and no user text, only what went wrong.
  let failing = false;
  const warn = (what: string, err: unknown) => {
    if (failing) return;
    failing = true;
    logger.warn(`${platform}: conversation ${what} failed; follow-ups are answered on their own until the store answers again:`,
      err instanceof Error ? err.message : String(err));
  };

  return {
    async recall(conversation) {
      if (!conversation) return undefined;
      try {
        const raw = await withTimeout(store.get(storeKey(conversation)), recallTimeoutMs, () => new Error(`no answer within ${recallTimeoutMs} ms`));
        failing = false;
        return decodeKept(raw);
      } catch (err) {
        warn('recall', err);
        return undefined;
      }
    },
    keep(conversation, context) {
      if (!conversation) return;
      store.set(storeKey(conversation), encodeContext(context), ttl[conversation.span]).catch((err: unknown) => warn('keep', err));
    },
  };
}
