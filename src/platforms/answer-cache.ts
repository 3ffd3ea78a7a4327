/**
 * The core's answers to recent questions, kept. `handle()` is pure: the same question (text,
 * platform, languages) always gets the same answer, and people ask the same few things (a region,
 * the tiers, the map) again and again. So an adapter asks through this small map, most recently
 * used kept, the oldest dropped past `max`; texts longer than any real question are not kept, so a
 * flood of garbage cannot fill it with large keys. Answers are never changed once made.
 */
import type { Answer, Inbound } from '../core/types.js';

const MAX_KEPT_TEXT = 200;

export function cachedHandle(handle: (inbound: Inbound) => Answer, max = 500): (inbound: Inbound) => Answer {
  const kept = new Map<string, Answer>();
  return (inbound) => {
    if (inbound.text.length > MAX_KEPT_TEXT) return handle(inbound);
    // Everything handle() reads; the user id is not among it.
    const key = `${inbound.platform}\u0000${inbound.lang ?? ''}\u0000${inbound.fallbackLang ?? ''}\u0000${inbound.locale ?? ''}\u0000${inbound.text}`;
    let answer = kept.get(key);
    if (answer) {
      kept.delete(key); // re-inserted below: the most recent
    } else {
      answer = handle(inbound);
      if (kept.size >= max) kept.delete(kept.keys().next().value!);
    }
    kept.set(key, answer);
    return answer;
  };
}
