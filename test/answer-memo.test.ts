/** The memo of replies already worked out: what it keeps, for how many questions, and what never. */
import { describe, expect, it } from 'vitest';
import { converse, handle } from '../src/core/handle.js';
import type { Answer, ConversationContext, Inbound, Turn } from '../src/core/types.js';
import { contextFor, createAnswerMemo, MEMO_MAX_TEXT } from '../src/platforms/answer-memo.js';

describe('createAnswerMemo', () => {
  const made: string[] = [];
  const maker = (reply: string) => () => {
    made.push(reply);
    return reply;
  };

  it('keeps a reply per question and fallback language, the most recently used first out last', () => {
    made.length = 0;
    const memo = createAnswerMemo<string>(2);
    expect(memo.get({ text: '湖北' }, maker('a'))).toBe('a');
    expect(memo.get({ text: '湖北' }, maker('never'))).toBe('a');
    expect(memo.get({ text: '', fallbackLang: 'zh' }, maker('zh help'))).toBe('zh help');
    expect(memo.get({ text: '', fallbackLang: 'en' }, maker('en help'))).toBe('en help'); // drops 湖北, the least recently used
    expect(memo.size).toBe(2);
    expect(memo.get({ text: '', fallbackLang: 'zh' }, maker('never'))).toBe('zh help');
    expect(memo.get({ text: '湖北' }, maker('a again'))).toBe('a again');
    expect(memo.get({ text: '', fallbackLang: 'zh' }, maker('never'))).toBe('zh help'); // used last, so it stayed
    expect(memo.get({ text: 'hubei', lang: 'zh' }, maker('b'))).toBe('b');
    expect(memo.get({ text: 'hubei', locale: 'zh-CN' }, maker('c'))).toBe('c');
    expect(made).toEqual(['a', 'zh help', 'en help', 'a again', 'b', 'c']);
  });

  it('keeps no failure and no long text', () => {
    made.length = 0;
    const memo = createAnswerMemo<string>();
    expect(memo.get({ text: '湖北' }, () => undefined)).toBeUndefined();
    expect(memo.get({ text: '湖北' }, maker('a'))).toBe('a');
    const long = 'x'.repeat(MEMO_MAX_TEXT + 1);
    memo.get({ text: long }, maker('long'));
    memo.get({ text: long }, maker('long'));
    expect(made).toEqual(['a', 'long', 'long']);
    expect(memo.size).toBe(1);
  });
});

describe('the core answers through the memo', () => {
  const counting = () => {
    const asked: string[] = [];
    return { asked, handle: (inbound: Inbound) => (asked.push(inbound.text), handle(inbound)) };
  };

  it('gives a repeated question, from another user, the very answer the core gave', () => {
    const core = counting();
    const memo = createAnswerMemo<Answer>();
    const ask = (inbound: Inbound) => memo.get(inbound, () => core.handle(inbound));
    const first = ask({ text: '湖北', platform: 'feishu', userId: 'ou_a' });
    expect(ask({ text: '湖北', platform: 'feishu', userId: 'ou_b' })).toBe(first);
    expect(core.asked).toEqual(['湖北']);
    expect(first).toEqual(handle({ text: '湖北', platform: 'feishu' }));
  });

  it('tells apart whatever the answer depends on: text, explicit and remembered language', () => {
    const core = counting();
    const memo = createAnswerMemo<Answer>();
    const ask = (inbound: Inbound) => memo.get(inbound, () => core.handle(inbound));
    expect(ask({ text: '', platform: 'feishu', fallbackLang: 'en' }).lang).toBe('en');
    expect(ask({ text: '', platform: 'feishu', fallbackLang: 'zh' }).lang).toBe('zh');
    expect(ask({ text: 'hubei', platform: 'feishu', lang: 'zh' }).lang).toBe('zh');
    expect(ask({ text: 'hubei', platform: 'feishu', lang: 'en' }).lang).toBe('en');
    expect(core.asked).toHaveLength(4);
  });
});

describe('contexts: only a possible follow-up is kept per conversation context', () => {
  const ask = (memo: ReturnType<typeof createAnswerMemo<Turn>>, calls: string[], text: string, recalled?: ConversationContext): Turn => {
    const inbound: Inbound = { text, platform: 'slack' };
    const context = contextFor(text, recalled);
    const turn = memo.get({ ...inbound, context }, () => (calls.push(text), converse(inbound, context)));
    return { ...turn, context: turn.context ?? recalled };
  };

  it('the same questions asked in turn in one conversation are answered once each, with the contexts converse() gives', () => {
    const memo = createAnswerMemo<Turn>(5);
    const calls: string[] = [];
    const questions = ['湖北', '北京', '梯队', 'help', '它的路径呢'];
    let context: ConversationContext | undefined;
    for (let round = 0; round < 3; round++) {
      for (const text of questions) {
        const expected = converse({ text, platform: 'slack' }, context);
        const turn = ask(memo, calls, text, context);
        expect(turn.answer).toEqual(expected.answer);
        expect(turn.context).toEqual(expected.context);
        context = turn.context;
      }
    }
    // Each once: the four that stand alone without a context, and the follow-up ("its path?") in the
    // one context it gets each round. Were contexts in every key, the memo of five would hold none of
    // the ten pairs asked in turn.
    expect(calls).toEqual(questions);
    expect(contextFor('湖北', context)).toBeUndefined();
    expect(contextFor('它的路径呢', context)).toBe(context);
  });
});
