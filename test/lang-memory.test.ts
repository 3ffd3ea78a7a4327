/**
 * The language a question carries (core, pure) and the per-user memory built on it (shared Store):
 * what counts as a language signal, how long it is kept, and what a failing store costs.
 */
import { describe, expect, it } from 'vitest';
import { handle } from '../src/core/handle.js';
import { questionLang } from '../src/core/parse.js';
import { MemoryStore, type Store } from '../src/infra/store.js';
import { createLangMemory, LANG_MEMORY_TTL_MS } from '../src/platforms/lang-memory.js';
import { capturingLogger, type LogLine } from './support/logs.js';

describe('questionLang', () => {
  it('reads the script, or a language asked for', () => {
    expect(questionLang('湖北')).toBe('zh');
    expect(questionLang('請問廣東屬於哪個梯隊')).toBe('zh');
    expect(questionLang('what tier is Yunnan in')).toBe('en');
    expect(questionLang('ＨＵＢＥＩ')).toBe('en');
    expect(questionLang('湖北 --lang en')).toBe('en');
    expect(questionLang('hubei in chinese')).toBe('zh');
    expect(questionLang('请用英文回答')).toBe('en');
  });

  it('finds none in a bare /iiot, a lone mention, digits or emoji', () => {
    for (const text of ['', '/iiot', '／iiot ', '@_user_1', '<@U0BOT>', '@_user_1 /iiot', '123', '🙂 ?!']) {
      expect(questionLang(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});

describe('the core with a fallback language', () => {
  it('uses it only when the text carries no language', () => {
    expect(handle({ text: '/iiot', platform: 'feishu', fallbackLang: 'en' }).lang).toBe('en');
    expect(handle({ text: '', platform: 'feishu', fallbackLang: 'zh' }).lang).toBe('zh');
    expect(handle({ text: '湖北', platform: 'feishu', fallbackLang: 'en' }).lang).toBe('zh');
    expect(handle({ text: 'hubei', platform: 'feishu', fallbackLang: 'zh' }).lang).toBe('en');
    expect(handle({ text: 'tier rising --lang zh', platform: 'feishu', fallbackLang: 'en' }).lang).toBe('zh');
    // Nothing to go by at all (no fallback, no locale): the article's language.
    expect(handle({ text: '', platform: 'slack' }).lang).toBe('zh');
    expect(handle({ text: '', platform: 'slack', locale: 'en-US' }).lang).toBe('en');
  });
});

describe('createLangMemory', () => {
  const logs: LogLine[] = [];
  const memory = (store: Store, defaultLang: 'zh' | 'en' = 'zh') =>
    createLangMemory({ store, platform: 'feishu', defaultLang, logger: capturingLogger(logs) });

  it('remembers per platform and user, for its TTL, and each question renews it', async () => {
    let now = 0;
    const store = new MemoryStore(100, () => now);
    const feishu = memory(store);
    const slack = createLangMemory({ store, platform: 'slack', defaultLang: 'en', logger: capturingLogger(logs) });
    expect(await feishu.typed({ text: 'what tier is Hubei in', platform: 'feishu', userId: 'ou_a' })).not.toHaveProperty('fallbackLang');
    expect(await feishu.langFor('ou_a')).toBe('en');
    expect(await feishu.langFor('ou_b')).toBe('zh');
    expect(await slack.langFor('ou_a')).toBe('en');
    await slack.typed({ text: '湖北', platform: 'slack', userId: 'ou_a' });
    expect(await slack.langFor('ou_a')).toBe('zh');
    expect(await feishu.langFor('ou_a')).toBe('en');
    expect(await feishu.typed({ text: '/iiot', platform: 'feishu', userId: 'ou_a' })).toMatchObject({ fallbackLang: 'en' });
    now = LANG_MEMORY_TTL_MS - 1;
    await feishu.typed({ text: 'hubei', platform: 'feishu', userId: 'ou_a' });
    now += LANG_MEMORY_TTL_MS - 1;
    expect(await feishu.langFor('ou_a')).toBe('en');
    now += 1;
    expect(await feishu.langFor('ou_a')).toBe('zh');
  });

  it('falls back on the platform\'s language, with a warning, when the store fails', async () => {
    logs.length = 0;
    const broken: Store = {
      claim: async () => { throw new Error('store down'); },
      get: async () => { throw new Error('store down'); },
      set: async () => { throw new Error('store down'); },
    };
    const m = memory(broken, 'zh');
    expect(await m.typed({ text: 'hubei', platform: 'feishu', userId: 'ou_a' })).toEqual({ text: 'hubei', platform: 'feishu', userId: 'ou_a' });
    expect(await m.typed({ text: '', platform: 'feishu', userId: 'ou_a' })).toMatchObject({ fallbackLang: 'zh' });
    expect(await m.langFor('ou_a')).toBe('zh');
    expect(logs.filter((l) => l.level === 'warn' && l.text.includes('store down'))).toHaveLength(3);
  });

  it('keeps nothing without a user id', async () => {
    const store = new MemoryStore();
    await memory(store).typed({ text: 'hubei', platform: 'feishu' });
    expect(store.size).toBe(0);
    expect(await memory(store).langFor(undefined)).toBe('zh');
  });
});
