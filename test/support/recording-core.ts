import { converse } from '../../src/core/handle.js';
import type { ConversationContext, Inbound, Turn } from '../../src/core/types.js';

/** One question the core was asked: its text, the context it was handed, and the one it returned to keep. */
export interface Asked {
  text: string;
  context?: ConversationContext;
  kept?: ConversationContext;
}

/**
 * The real core, recording each question with the context its conversation handed it: what an
 * adapter test asserts, that a follow-up reaches the core with the context of the last answer.
 */
export function recordingCore(): { converse: (inbound: Inbound, context?: ConversationContext) => Turn; asked: Asked[]; keptBy: (i: number) => ConversationContext | undefined } {
  const asked: Asked[] = [];
  return {
    asked,
    converse(inbound, context) {
      const turn = converse(inbound, context);
      asked.push({ text: inbound.text, context, kept: turn.context });
      return turn;
    },
    /** The context the core returned for question `i`. */
    keptBy: (i) => asked[i]!.kept,
  };
}
