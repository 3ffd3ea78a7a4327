/**
 * Each user's answer language, remembered from the last question they typed that carries one, so
 * that what brings no words of theirs (a Feishu menu click, a picture, a bare `/iiot`) is answered
 * in the language they write in. One entry per platform + user id in the shared Store (Redis across
 * replicas). The core stays pure: adapters pass the remembered language as `fallbackLang`, which
 * counts only when the text itself says nothing, so a question's own language always wins.
 */
import { questionLang } from '../core/parse.js';
import type { Inbound, Lang, Platform } from '../core/types.js';
import type { Logger } from '../infra/log.js';
import type { Store } from '../infra/store.js';

/** Long enough to span the gaps between one person's visits; each typed question renews it. */
export const LANG_MEMORY_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface LangMemory {
  /** A question the user typed: remembers the language it carries, or else falls back on the remembered one. */
  typed(inbound: Inbound): Promise<Inbound>;
  /** The language for an answer to something without words of the user's: remembered, else the platform's. */
  langFor(userId: string | undefined): Promise<Lang>;
}

export interface LangMemoryOptions {
  store: Store;
  platform: Platform;
  /** The platform's language for people the bot has not heard from (Feishu `zh`, Lark and Slack `en`). */
  defaultLang: Lang;
  logger: Logger;
  ttlMs?: number;
}

/** A store that fails costs only the memory: the answer goes out in the platform's language. */
export function createLangMemory({ store, platform, defaultLang, logger, ttlMs = LANG_MEMORY_TTL_MS }: LangMemoryOptions): LangMemory {
  const key = (userId: string) => `lang:${platform}:${userId}`;
  const warn = (what: string, err: unknown) =>
    logger.warn(`${platform}: language memory ${what} failed:`, err instanceof Error ? err.message : String(err));

  async function recall(userId: string | undefined): Promise<Lang | undefined> {
    if (!userId) return undefined;
    try {
      const lang = await store.get(key(userId));
      return lang === 'zh' || lang === 'en' ? lang : undefined;
    } catch (err) {
      warn('read', err);
      return undefined;
    }
  }

  return {
    async typed(inbound) {
      const own = questionLang(inbound.text);
      if (!own) return { ...inbound, fallbackLang: (await recall(inbound.userId)) ?? defaultLang };
      // The answer does not wait for the write: with Redis that is a round trip per question saved.
      if (inbound.userId) store.set(key(inbound.userId), own, ttlMs).catch((err: unknown) => warn('write', err));
      return inbound;
    },
    async langFor(userId) {
      return (await recall(userId)) ?? defaultLang;
    },
  };
}
