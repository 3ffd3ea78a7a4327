import { describe, expect, it } from 'vitest';
import { report } from '../../src/core/data.js';
import { mayFollowUp } from '../../src/core/followup.js';
import { converse, handle } from '../../src/core/handle.js';
import type { Answer, ConversationContext, Lang, Turn } from '../../src/core/types.js';
import { fitsFeishuLimits, renderFeishuCard } from '../../src/render/feishu.js';
import { renderSlackCard, SLACK_LIMITS } from '../../src/render/slack.js';
import { renderText } from '../../src/render/text.js';
import { allQuestions } from '../support/all-answers.js';

/**
 * Conversations through the one handler, as an adapter holds them: each turn's context goes to the
 * store as JSON and comes back with the next question.
 */
function talk(...questions: string[]): Turn {
  let context: ConversationContext | undefined;
  let turn: Turn | undefined;
  for (const text of questions) {
    turn = converse({ text, platform: 'slack' }, context);
    context = turn.context && JSON.parse(JSON.stringify(turn.context));
  }
  return turn!;
}

const leading = report.tiers.find((t) => t.id === 'leading')!.members;
const rising = report.tiers.find((t) => t.id === 'rising')!.members;

type Expect = Partial<Pick<Answer, 'intent' | 'lang' | 'regionIds' | 'tierIds' | 'strategyIds' | 'groupIds'>> & { followUp?: string; title?: string };

const CONVERSATIONS: [string[], Expect][] = [
  // The four.
  [['江苏', '它的路径呢'], { intent: 'path', lang: 'zh', regionIds: ['jiangsu'], strategyIds: ['lead-then-scale'], followUp: '接上文：江苏', title: '江苏的发展路径' }],
  [['compare sichuan and chongqing', 'add shaanxi'], { intent: 'compare', lang: 'en', regionIds: ['sichuan', 'chongqing', 'shaanxi'], followUp: 'Following up on: Sichuan, Chongqing' }],
  [['福建', 'English please'], { intent: 'region', lang: 'en', regionIds: ['fujian'], tierIds: ['rising'], followUp: 'Following up on: Fujian' }],
  [['京津冀', '哪个最强'], { intent: 'compare', lang: 'zh', regionIds: ['beijing'], tierIds: ['leading'], followUp: '接上文：京津冀' }],

  // Ellipsis.
  [['湖北', '路径呢'], { intent: 'path', regionIds: ['hubei'], strategyIds: ['lead-then-scale'], followUp: '接上文：湖北' }],
  [['Hubei', 'path?'], { intent: 'path', lang: 'en', regionIds: ['hubei'], followUp: 'Following up on: Hubei' }],
  [['江苏', '数据呢'], { intent: 'metrics', lang: 'zh', regionIds: [], followUp: '接上文：江苏' }],
  [['Hubei', 'peers?'], { intent: 'compare', lang: 'en', regionIds: leading, tierIds: ['leading'] }],
  [['湖北', '其他同梯队的地区呢'], { intent: 'compare', regionIds: leading }],
  [['四川', '同梯队呢'], { intent: 'compare', regionIds: rising, tierIds: ['rising'], followUp: '接上文：四川' }],
  [['湖北', '那路径呢'], { intent: 'path', regionIds: ['hubei'] }],

  // Pronouns.
  [['四川', '它是哪个梯队'], { intent: 'region', regionIds: ['sichuan'], tierIds: ['rising'], followUp: '接上文：四川' }],
  [['北京和上海对比', '它们的路径呢'], { intent: 'path', regionIds: ['beijing', 'shanghai'], strategyIds: ['radiate-outward', 'lead-then-scale'] }],
  [['Beijing vs Shanghai', 'what tier are they in?'], { intent: 'compare', lang: 'en', regionIds: ['beijing', 'shanghai'], tierIds: ['leading'] }],
  [['Hunan', 'what is its path?'], { intent: 'path', lang: 'en', regionIds: ['hunan'], strategyIds: [] }],
  [['Fujian and Jiangxi', 'show them on the map'], { intent: 'map', lang: 'en', regionIds: ['fujian', 'jiangxi'] }],
  [['长三角', '这些地区的路径'], { intent: 'path', regionIds: ['shanghai', 'jiangsu'], strategyIds: ['lead-then-scale'] }],

  // A new subject in the same frame; in no particular frame, a question of its own.
  [['湖北的发展路径', '那北京呢'], { intent: 'path', regionIds: ['beijing'], strategyIds: ['radiate-outward'], followUp: '接上文：湖北', title: '北京的发展路径' }],
  [['湖北', '它的路径呢', '那湖南呢'], { intent: 'path', regionIds: ['hunan'], strategyIds: [] }],
  [['Shanghai path', 'what about Tianjin?'], { intent: 'path', lang: 'en', regionIds: ['tianjin'], strategyIds: ['breakthrough'] }],
  [['Tianjin path', 'and Beijing?'], { intent: 'path', lang: 'en', regionIds: ['beijing'] }],
  [['京津冀', '哪个最强', '那长三角呢'], { intent: 'compare', regionIds: ['shanghai', 'jiangsu', 'zhejiang'], tierIds: ['leading'] }],
  [['长三角', '地图', '那京津冀呢'], { intent: 'map', regionIds: ['beijing', 'tianjin', 'hebei'], groupIds: ['jing-jin-ji'] }],
  [['湖北', '那湖南呢'], { intent: 'region', regionIds: ['hunan'], followUp: undefined }],
  [['Hubei', 'and Hunan?'], { intent: 'region', regionIds: ['hunan'], followUp: undefined }],
  [['典型带路', '那单点突破呢'], { intent: 'path', strategyIds: ['breakthrough'], followUp: undefined }],

  // Editing a comparison or a list.
  [['compare sichuan and chongqing', 'add shaanxi', 'without chongqing'], { intent: 'compare', regionIds: ['sichuan', 'shaanxi'] }],
  [['北京和上海对比', '再加上湖北'], { intent: 'compare', regionIds: ['beijing', 'shanghai', 'hubei'], tierIds: ['leading'] }],
  [['北京和上海对比', '去掉上海'], { intent: 'region', regionIds: ['beijing'], followUp: '接上文：北京、上海' }],
  [['京津冀', '再加上湖北'], { intent: 'group', groupIds: ['jing-jin-ji'], regionIds: ['beijing', 'tianjin', 'hebei', 'hubei'] }],
  [['京津冀', '去掉河北'], { intent: 'compare', groupIds: [], regionIds: ['beijing', 'tianjin'] }],
  [['第二梯队', '去掉湖南'], { intent: 'compare', regionIds: rising.filter((id) => id !== 'hunan') }],
  [['Beijing', 'add the Yangtze River Delta'], { intent: 'group', groupIds: ['yangtze-river-delta'], regionIds: ['shanghai', 'jiangsu', 'zhejiang', 'anhui', 'beijing'] }],
  [['compare hebei and henan', 'add shaanix'], { intent: 'compare', regionIds: ['hebei', 'henan', 'shaanxi'] }],
  [['compare hebei and henan', '把山东加上'], { intent: 'compare', regionIds: ['hebei', 'henan', 'shandong'] }],

  // Switching language re-answers the same thing.
  [['福建', 'in English'], { intent: 'region', lang: 'en', regionIds: ['fujian'] }],
  [['Hubei', '中文'], { intent: 'region', lang: 'zh', regionIds: ['hubei'], followUp: '接上文：湖北' }],
  [['Hubei', 'in Chinese please'], { intent: 'region', lang: 'zh', regionIds: ['hubei'] }],
  [['江苏', '它的路径呢', '用英文'], { intent: 'path', lang: 'en', regionIds: ['jiangsu'], strategyIds: ['lead-then-scale'], title: 'Development path: Jiangsu' }],
  [['京津冀', '哪个最强', '用英文回答'], { intent: 'compare', lang: 'en', regionIds: ['beijing'], title: 'Highest tier: Beijing' }],
  [['第一梯队', 'English please'], { intent: 'tier', lang: 'en', tierIds: ['leading'], regionIds: leading }],
  [['核心数据', 'English please'], { intent: 'metrics', lang: 'en', followUp: 'Following up on: Headline figures' }],
  [['Hubei', 'and in English?'], { intent: 'region', lang: 'en', regionIds: ['hubei'] }],
  [['湖北', 'can you answer in English'], { intent: 'region', lang: 'en', regionIds: ['hubei'] }],
  [['长三角', 'English'], { intent: 'group', lang: 'en', groupIds: ['yangtze-river-delta'] }],
  [['shanxi', 'English please'], { intent: 'ambiguous', lang: 'en', regionIds: ['shanxi', 'shaanxi'] }],

  // The map of what is being discussed.
  [['江苏', '地图'], { intent: 'map', lang: 'zh', regionIds: ['jiangsu'], tierIds: ['leading'], title: '地图：江苏' }],
  [['Jing-Jin-Ji', 'show it on the map'], { intent: 'map', regionIds: ['beijing', 'tianjin', 'hebei'], followUp: 'Following up on: Jing-Jin-Ji' }],

  // Questions over the set under discussion.
  [['京津冀', '哪个最弱'], { intent: 'compare', regionIds: ['hebei'], tierIds: ['catching-up'] }],
  [['北京和上海对比', '哪个最强'], { intent: 'compare', regionIds: ['beijing', 'shanghai'], tierIds: ['leading'] }],
  [['第二梯队', 'which is lowest'], { intent: 'compare', lang: 'en', regionIds: rising, tierIds: ['rising'] }],
  [['compare Gansu, Hubei and Yunnan', 'which is lowest'], { intent: 'compare', regionIds: ['gansu'], tierIds: ['nascent'] }],
  [['北京和湖南对比', '哪个更强'], { intent: 'compare', regionIds: ['beijing'], tierIds: ['leading'] }],
  [['北京和湖南对比', '这两个哪个差一些'], { intent: 'compare', regionIds: ['hunan'], tierIds: ['rising'] }],
  [['Beijing and Hunan', "who's strongest?"], { intent: 'compare', lang: 'en', regionIds: ['beijing'] }],
  [['湖北', '哪个省最强'], { intent: 'tier', followUp: undefined }],
  [['长三角', '其中哪些有建议路径'], { intent: 'path', regionIds: ['shanghai', 'jiangsu'], strategyIds: ['lead-then-scale'] }],
  [['Jing-Jin-Ji', 'which of them has a suggested path'], { intent: 'path', lang: 'en', regionIds: ['beijing', 'tianjin'], strategyIds: ['radiate-outward', 'breakthrough'] }],
  [['Hubei', 'why'], { intent: 'path', lang: 'en', regionIds: ['hubei'], strategyIds: ['lead-then-scale'] }],
  [['长三角', '其中哪些有建议路径', '为什么'], { intent: 'path', strategyIds: ['lead-then-scale'], followUp: '接上文：长三角' }],
  [['云南', '为什么'], { intent: 'path', regionIds: [], strategyIds: [] }],
  [['京津冀', '哪个最强', '为什么'], { intent: 'tier', regionIds: ['beijing'], tierIds: ['leading'], title: '为什么是北京' }],
  [['京津冀', '哪个最强', '为什么', 'English please'], { intent: 'tier', lang: 'en', regionIds: ['beijing'], title: 'Why Beijing' }],
  [['Jing-Jin-Ji', 'which is weakest', 'why?'], { intent: 'tier', regionIds: ['hebei'], tierIds: ['catching-up'], title: 'Why Hebei' }],

  // Typed as people type: traditional characters, full width, typos in the places.
  [['江蘇', '它的路徑呢'], { intent: 'path', regionIds: ['jiangsu'], strategyIds: ['lead-then-scale'] }],
  [['京津冀', '哪個最強'], { intent: 'compare', regionIds: ['beijing'] }],
  [['ｃｏｍｐａｒｅ ｓｉｃｈｕａｎ ａｎｄ ｃｈｏｎｇｑｉｎｇ', 'ＡＤＤ ＳＨＡＡＮＸＩ'], { intent: 'compare', regionIds: ['sichuan', 'chongqing', 'shaanxi'] }],
  [['Zhejang', 'path?'], { intent: 'path', regionIds: ['zhejiang'] }],
  [['胡北', '它的路径呢？'], { intent: 'path', regionIds: ['hubei'] }],

  // A question of its own in the middle of a conversation is answered as it would be alone.
  [['湖北', '广东省属于哪个梯队？'], { intent: 'region', regionIds: ['guangdong'], followUp: undefined }],
  [['湖北', 'compare hebei with henan'], { intent: 'compare', regionIds: ['hebei', 'henan'], followUp: undefined }],
  // A slip in between does not lose the conversation.
  [['湖北', 'qwxz blorp', '它的路径呢'], { intent: 'path', regionIds: ['hubei'] }],
];

describe('follow-ups, through converse()', () => {
  for (const [questions, expected] of CONVERSATIONS) {
    it(questions.join(' → '), () => {
      const { answer } = talk(...questions);
      const { followUp, title, ...ids } = expected;
      expect(answer).toMatchObject(ids);
      if ('followUp' in expected) expect(answer.card.followUp).toBe(followUp);
      else expect(answer.card.followUp).toBeTruthy();
      if (title) expect(answer.card.title).toBe(title);
    });
  }
});

describe('ties and reasons, as the article has them', () => {
  it('says regions of one tier are tied, since the article ranks none inside a tier', () => {
    const { answer } = talk('北京和上海对比', '哪个最强');
    expect(answer.card.title).toBe('梯队最靠前：北京、上海');
    expect(answer.card.sections[0].text).toBe('北京、上海同在“示范引领”梯队；文章没有在梯队内部给地区排先后，所以并列。');
    const en = talk('Fujian and Jiangxi', 'which is strongest').answer;
    expect(en.card.sections[0].text).toContain('the article ranks no region within a tier, so they are tied');
  });

  it('ranks by tier order and names no tie when one region leads', () => {
    const { answer } = talk('Jing-Jin-Ji', 'which is strongest');
    expect(answer.card.title).toBe('Highest tier: Beijing');
    expect(answer.card.sections.some((s) => s.text?.includes('tied'))).toBe(false);
    expect(answer.card.sections[0].fields).toEqual([
      { label: 'Leading the Way', value: 'Beijing' },
      { label: 'Rapid Rise', value: 'Tianjin' },
      { label: 'Catching Up', value: 'Hebei' },
    ]);
    expect(answer.statedBy).toEqual(['hu-jianbo']);
  });

  it('gives the reason for a path as the article does, credited to Hu Jianbo', () => {
    const { answer } = talk('Tianjin', 'why');
    const path = report.paths.find((p) => p.id === 'breakthrough')!;
    expect(answer.card.sections[0].text).toBe(`Suggested by Hu Jianbo, Secretary-General of the Alliance of Industrial Internet: ${path.examples.en} ${path.proposal.en}.`);
    expect(answer.card.sections[0].fields?.[0].value).toBe(path.profile.en);
    expect(answer.statedBy).toEqual(['hu-jianbo']);
    const zh = talk('天津', '为什么').answer;
    expect(zh.card.sections[0].fields?.[0].value).toBe(path.profile.zh);
  });

  it('answers why a region came first by the tier order alone, with the tier\'s traits', () => {
    const { answer } = talk('Jing-Jin-Ji', 'which is strongest', 'why');
    expect(answer.card.sections[0].text).toBe('The article orders regions only by tier: Beijing is in the "Leading the Way" tier, the highest of those under discussion. It describes the tier\'s traits; it does not say why a region is in its tier.');
    expect(answer.card.sections[1].text).toContain(report.tiers[0].traits.en);
  });

  it('gives no reason where the article suggests no path, and says so', () => {
    const { answer } = talk('云南', '为什么');
    const text = answer.card.sections.map((s) => s.text ?? '').join('\n');
    expect(text).toContain('胡坚波举的例子中没有云南，文章没有为它建议路径');
    expect(text).toContain('没有解释单个地区为什么在某个梯队');
  });

  it('says the figures are national when asked for a region\'s data', () => {
    expect(talk('江苏', '数据呢').answer.card.sections[0].text).toBe('文章的核心数据是全国层面的，没有江苏的单独数据。');
  });

  it('highlights what is under discussion on the map', () => {
    const { answer } = talk('长三角', '地图');
    expect(answer.card.image?.picture).toEqual({ kind: 'map', highlight: ['anhui', 'jiangsu', 'shanghai', 'zhejiang'] });
  });
});

describe('a follow-up with nothing to follow', () => {
  const cases: [string, Lang][] = [
    ['它的路径呢', 'zh'], ['its path?', 'en'], ['add shaanxi', 'en'], ['再加上陕西', 'zh'], ['without hebei', 'en'],
    ['去掉河北', 'zh'], ['English please', 'en'], ['用英文', 'en'], ['中文', 'zh'], ['which is lowest', 'en'],
    ['其中哪些有建议路径', 'zh'], ['which of them has a suggested path', 'en'], ['为什么', 'zh'], ['why', 'en'],
    ['show it on the map', 'en'], ['peers?', 'en'], ['它们', 'zh'],
  ];
  for (const [text, lang] of cases) {
    it(text, () => {
      const turn = converse({ text, platform: 'slack' });
      expect(turn.answer).toMatchObject({ intent: 'help', lang, regionIds: [] });
      expect(turn.answer.card.sections[0].text).toBe(lang === 'zh'
        ? '这句话是接着上一个问题问的，但这里还没有上一个问题。请说出地区，例如“江苏的发展路径”或“对比四川和重庆”。'
        : 'That follows up on an earlier question, but there is none here yet. Name the places, e.g. "path for Jiangsu" or "compare Sichuan and Chongqing".');
      expect(turn.answer.card.sections[1].heading).toBe(lang === 'zh' ? '怎么提问' : 'How to ask');
      expect(turn.context).toBeUndefined();
    });
  }

  it('says so in Traditional characters when asked in them', () => {
    const { answer } = converse({ text: '它的路徑呢', platform: 'slack' });
    expect(answer.intent).toBe('help');
    expect(answer.card.sections[0].text).toMatch(/^這句話是接著上一個問題問的/);
  });

  it('answers what can stand alone as it always did: 路径呢, 地图, 那湖南呢, what about Taiwan?, 哪个最强', () => {
    for (const text of ['路径呢', 'path?', '地图', 'map', '那湖南呢', 'what about Taiwan?', 'tiers?', '哪个最强']) {
      expect(converse({ text, platform: 'slack' }).answer, text).toEqual(handle({ text, platform: 'slack' }));
      expect(handle({ text, platform: 'slack' }).intent, text).not.toBe('help');
    }
  });

  it('treats a stored context it cannot use as no context: unknown ids, wrong shapes', () => {
    const junk = [
      { intent: 'region', lang: 'zh', regionIds: ['atlantis'], groupIds: [], tierIds: [], strategyIds: [], metricIds: [] },
      { intent: 'region', lang: 'fr', regionIds: ['hubei'] },
      { regionIds: 'hubei' },
      'hubei',
    ] as unknown as ConversationContext[];
    for (const context of junk) expect(converse({ text: '它的路径呢', platform: 'slack' }, context).answer.intent).toBe('help');
    const partial = { intent: 'region', lang: 'zh', regionIds: ['hubei', 'atlantis'], ask: 'drop tables' } as unknown as ConversationContext;
    expect(converse({ text: '它的路径呢', platform: 'slack' }, partial).answer.regionIds).toEqual(['hubei']);
  });
});

describe('self-contained questions', () => {
  const contexts = [talk('江苏').context, talk('京津冀', '哪个最强').context, talk('compare sichuan and chongqing').context, talk('核心数据').context];
  const questions = [
    ...allQuestions().filter((q) => q.length < 200),
    '湖北', 'what tier is Yunnan in', '广东省属于哪个梯队？', '北京和上海对比', '湖北是哪个梯队？请用英文回答', 'Hubei tier, in Chinese please',
    'what about Taiwan?', '长三角怎么样', 'compare hebei with henan', 'Guizou', '后发追赶有哪些省',
  ];

  it('are answered exactly as without a conversation, whatever the context', () => {
    for (const context of contexts) {
      for (const text of questions) {
        expect(converse({ text, platform: 'slack' }, context).answer, text).toEqual(handle({ text, platform: 'slack' }));
      }
    }
  });

  it('start a new context of their own, and keep none of the user\'s words', () => {
    const turn = talk('江苏', '它的路径呢', 'compare Zhejang and hubie');
    expect(turn.context).toEqual({
      intent: 'compare', lang: 'en', regionIds: ['zhejiang', 'hubei'], groupIds: [], tierIds: ['leading'], strategyIds: ['lead-then-scale'], metricIds: [],
    });
    expect(JSON.stringify(turn.context)).not.toMatch(/Zhejang|hubie/i);
  });
});

describe('mayFollowUp: the cheap test an adapter can use to cache standalone answers', () => {
  it('is true for every follow-up above, including traditional and full-width ones', () => {
    for (const [questions, expected] of CONVERSATIONS) {
      if (!('followUp' in expected) || expected.followUp) expect(mayFollowUp(questions.at(-1)!), questions.at(-1)).toBe(true);
    }
  });

  it('is false for most standalone questions, and for anything long', () => {
    for (const text of ['湖北', 'Hubei', '湖北的发展路径', '梯队', '核心数据', 'compare beijing shanghai --lang en', 'region hubei --lang zh', '湖北 '.repeat(20)]) {
      expect(mayFollowUp(text), text).toBe(false);
    }
  });

  it('when false, the context makes no difference', () => {
    const context = talk('京津冀', '哪个最强').context;
    for (const text of allQuestions().filter((q) => !mayFollowUp(q))) {
      expect(converse({ text, platform: 'slack' }, context).answer, text).toEqual(handle({ text, platform: 'slack' }));
    }
  });
});

describe('the "following up on" line on every surface', () => {
  const { answer } = talk('湖北', '它的路径呢');

  it('Slack: a context line under the header', () => {
    const { blocks, text } = renderSlackCard(answer.card);
    expect(blocks[0].type).toBe('header');
    const contexts = blocks.filter((b) => b.type === 'context').map((b) => JSON.stringify(b));
    expect(contexts.some((c) => c.includes('接上文：湖北'))).toBe(true);
    expect(blocks.findIndex((b) => JSON.stringify(b).includes('接上文：湖北'))).toBeLessThan(blocks.findIndex((b) => b.type === 'section'));
    expect(text).toContain('接上文：湖北');
  });

  it('Feishu: small print at the top of the card', () => {
    const card = renderFeishuCard(answer.card, { lang: 'zh' });
    expect(card.body.elements[0]).toEqual({ tag: 'markdown', content: '接上文：湖北', text_size: 'notation' });
  });

  it('text: the line under the title', () => {
    expect(renderText(answer.card).split('\n').slice(0, 2)).toEqual(['湖北的发展路径 · 示范引领梯队', '接上文：湖北']);
  });

  it('every answer above fits both platforms whole, buttons included', () => {
    for (const [questions] of CONVERSATIONS) {
      const { card } = talk(...questions).answer;
      const slack = renderSlackCard(card);
      expect(slack.blocks.length, questions.join(' → ')).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      expect(JSON.stringify(slack.blocks), questions.join(' → ')).not.toMatch(/Trimmed to fit|内容较长/);
      const feishu = renderFeishuCard(card);
      expect(fitsFeishuLimits(feishu) && !/省略了|left out/.test(JSON.stringify(feishu)), questions.join(' → ')).toBe(true);
      for (const action of card.actions) expect(handle({ text: action.command, platform: 'slack' }).intent, action.command).not.toMatch(/unknown|help/);
    }
  });

  it('is absent from answers that followed nothing', () => {
    expect(handle({ text: '湖北', platform: 'slack' }).card.followUp).toBeUndefined();
    expect(JSON.stringify(renderSlackCard(handle({ text: '湖北', platform: 'slack' }).card).blocks)).not.toContain('接上文');
  });
});
