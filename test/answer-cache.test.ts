/**
 * The adapters' cache of the core's answers: a repeated question gets the very answer the core gave,
 * anything handle() reads (text, platform, languages) tells questions apart, and it stays bounded.
 */
import { describe, expect, it } from 'vitest';
import { handle } from '../src/core/handle.js';
import type { Inbound } from '../src/core/types.js';
import { cachedHandle } from '../src/platforms/answer-cache.js';

function counting() {
  const asked: string[] = [];
  return { asked, handle: (inbound: Inbound) => (asked.push(inbound.text), handle(inbound)) };
}

describe('cachedHandle', () => {
  it('answers a repeated question from the cache, with what the core answered', () => {
    const core = counting();
    const ask = cachedHandle(core.handle);
    const first = ask({ text: '湖北', platform: 'feishu', userId: 'ou_a' });
    const again = ask({ text: '湖北', platform: 'feishu', userId: 'ou_b' }); // another user, same question
    expect(again).toBe(first);
    expect(core.asked).toEqual(['湖北']);
    expect(first).toEqual(handle({ text: '湖北', platform: 'feishu' }));
  });

  it('tells apart whatever the answer depends on: text, platform, explicit and remembered language', () => {
    const core = counting();
    const ask = cachedHandle(core.handle);
    const help = ask({ text: 'help', platform: 'feishu' });
    expect(ask({ text: '', platform: 'feishu', fallbackLang: 'en' }).lang).toBe('en');
    expect(ask({ text: '', platform: 'feishu', fallbackLang: 'zh' }).lang).toBe('zh');
    expect(ask({ text: 'hubei', platform: 'feishu', lang: 'zh' }).lang).toBe('zh');
    expect(ask({ text: 'hubei', platform: 'feishu', lang: 'en' }).lang).toBe('en');
    expect(ask({ text: 'help', platform: 'slack' })).not.toBe(help);
    expect(core.asked).toHaveLength(6);
  });

  it('keeps at most `max` answers, the most recently used, and never long texts', () => {
    const core = counting();
    const ask = cachedHandle(core.handle, 2);
    ask({ text: '湖北', platform: 'feishu' });
    ask({ text: '湖南', platform: 'feishu' });
    ask({ text: '湖北', platform: 'feishu' }); // used again: now the newest
    ask({ text: '河北', platform: 'feishu' }); // drops 湖南, the oldest
    ask({ text: '湖北', platform: 'feishu' });
    ask({ text: '湖南', platform: 'feishu' });
    expect(core.asked).toEqual(['湖北', '湖南', '河北', '湖南']);
    const long = 'x'.repeat(5000);
    ask({ text: long, platform: 'feishu' });
    ask({ text: long, platform: 'feishu' });
    expect(core.asked.filter((t) => t === long)).toHaveLength(2);
  });
});
