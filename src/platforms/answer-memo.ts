/**
 * Replies already worked out, kept for the next person who asks the same. converse() is pure and the
 * article's data never changes while the bot runs, so the same words with the same fallback
 * language, in a conversation with the same context (or none), always get the same answer: a popular question (a region, the tier list, help) is
 * answered and rendered once, not once per asker. Everything else about an event (its checks, its
 * log line, its metrics, the language memory) still happens for each one.
 *
 * Bounded: the `max` most recently used replies, and only for short questions (a long text is
 * rarely asked twice and would make a large key). Per process: nothing here needs sharing. Each
 * adapter keeps its own (Slack its acks' bytes, Feishu the core's answers), so the platform is no
 * part of the key.
 */
import { mayFollowUp } from '../core/followup.js';
import type { ConversationContext, Inbound } from '../core/types.js';

/** Longest question text kept; typical questions are a few words. */
export const MEMO_MAX_TEXT = 200;
export const MEMO_MAX_ENTRIES = 128;

/**
 * A question as the platform sent it, with what converse() reads besides the text: a follow-up's
 * context is part of the question, so it is never served the answer to the same words asked alone.
 */
export type Question = Pick<Inbound, 'text' | 'lang' | 'locale' | 'fallbackLang'> & { context?: ConversationContext };

export interface AnswerMemo<V> {
  /** The kept reply to this question, or one made now by `make` (kept unless it is undefined). */
  get<R extends V | undefined>(question: Question, make: () => R): V | R;
  readonly size: number;
}

/**
 * The context a question's answer depends on: its conversation's only when its words may be a
 * follow-up (followup.ts' cheap test). A question that stands alone is answered the same in any
 * conversation, so it is answered, kept and looked up without one: otherwise the same few questions
 * asked in turn, each after another's answer, would fill the memo with one entry per pair and never
 * hit it. Its turn then carries no context when its answer has none to keep (help, not understood):
 * the conversation's stays, as converse() would keep it (`turn.context ?? context`).
 */
export const contextFor = (text: string | undefined, context: ConversationContext | undefined): ConversationContext | undefined =>
  context && mayFollowUp(text ?? '') ? context : undefined;

export function createAnswerMemo<V>(max = MEMO_MAX_ENTRIES): AnswerMemo<V> {
  const entries = new Map<string, V>();
  return {
    get<R extends V | undefined>(q: Question, make: () => R): V | R {
      if (q.text.length > MEMO_MAX_TEXT) return make();
      // A context is a few short id lists (bounded in conversations.ts).
      const key = `${q.lang ?? ''}\u0000${q.locale ?? ''}\u0000${q.fallbackLang ?? ''}\u0000${q.context ? JSON.stringify(q.context) : ''}\u0000${q.text}`;
      const kept = entries.get(key);
      if (kept !== undefined) {
        entries.delete(key); // re-inserted as the most recently used
        entries.set(key, kept);
        return kept;
      }
      const made = make();
      if (made === undefined) return made;
      entries.set(key, made);
      if (entries.size > max) entries.delete(entries.keys().next().value!);
      return made;
    },
    get size() {
      return entries.size;
    },
  };
}
