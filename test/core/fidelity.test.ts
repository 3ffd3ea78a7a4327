import { readFileSync } from 'node:fs';
import * as FullOpenCC from 'opencc-js/cn2t';
import { describe, expect, it } from 'vitest';
import { report, tierOf } from '../../src/core/data.js';
import { handle } from '../../src/core/handle.js';
import { MESSAGES } from '../../src/core/i18n.js';
import { hasCjk, isTraditional } from '../../src/core/normalize.js';
import { questionLang } from '../../src/core/parse.js';
import { inTraditional, NAMES } from '../../src/core/traditional.js';
import type { Answer, Card, CardSection, Lang } from '../../src/core/types.js';
import { renderText } from '../../src/render/text.js';
import { allAnswers, chineseCardTexts } from '../support/all-answers.js';
import { phrasesIn } from '../tools/hant-phrases.js';

/**
 * Issue 21: say exactly what the article says (who says what, how far its scope reaches, its hedges),
 * and answer the questions people ask about it. Each test checks a kind of slip on every card the bot
 * can produce, not one case.
 */

const ask = (text: string, lang?: Lang, fallbackLang?: Lang): Answer => handle({ text, platform: 'cli', lang, fallbackLang });
const answers = allAnswers();
const sectionText = (s: CardSection): string => renderText({ title: '', tone: 'info', actions: [], sections: [s] });
const cardTexts = (a: Answer): string => [renderText(a.card), a.card.image?.alt ?? '', ...(a.card.image?.legend.map((l) => l.label) ?? [])].join('\n');

describe('who says what, on every card', () => {
  it('never calls the tiers the report\'s findings: Hu Jianbo describes them', () => {
    for (const a of answers) expect(cardTexts(a), a.card.title).not.toMatch(/report's findings|findings of the report|《报告》结果|报告的?结果/);
  });

  it('states the scope as the article does (我国31个省（市、区）), and the mainland only as general knowledge', () => {
    const claims = [/报告(评估|按省|只评估|只覆盖|覆盖)|不在报告范围|报告范围/, /report (assesses|evaluates|covers|scores) (the )?(31|whole|only|mainland|provinc)|covered by the report|not covered/i];
    for (const a of answers) {
      const text = cardTexts(a);
      for (const claim of claims) expect(text, a.card.title).not.toMatch(claim);
      if (/大陆|mainland/i.test(text)) expect(text, a.card.title).toMatch(/一般常识|general knowledge/i);
    }
  });

  it('credits every figure it shows as the article\'s sentence does, and the report only for the report\'s', () => {
    const m = (lang: Lang) => MESSAGES[lang];
    const credits = (by: string, lang: Lang): string[] =>
      by === 'report' || by === 'article' || by === 'reporter'
        ? [m(lang).saidBy[by], m(lang).saidByHeading[by], ...(by === 'report' ? ['《报告》', 'The report', 'the report'] : [])]
        : [m(lang).saidBy.person(by), m(lang).saidByHeading.person(by)];
    const reportCredits = (lang: Lang) => [m(lang).saidBy.report, m(lang).saidByHeading.report];
    let checked = 0;
    for (const a of answers) {
      // Sections under a heading that names the speaker (the figures card) count with it.
      let heading = '';
      for (const s of a.card.sections) {
        if (s.heading && !s.text && !s.items) heading = s.heading;
        const text = `${heading}\n${sectionText(s)}`;
        for (const x of report.metrics.filter((x) => sectionText(s).includes(x.value[a.lang]))) {
          checked++;
          const ownCard = a.intent === 'person' && a.statedBy.includes(x.by);
          if (!ownCard) expect(credits(x.by, a.lang).some((c) => text.includes(c)), `${a.card.title}: ${x.id}`).toBe(true);
          if (x.by !== 'report') for (const c of reportCredits(a.lang)) expect(sectionText(s), `${a.card.title}: ${x.id}`).not.toContain(c);
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('says "30 indicators" with the article\'s 等 / "such as", never borrowing Hu Jianbo\'s four dimensions', () => {
    const n = report.indicatorCount;
    let seen = 0;
    for (const a of answers) {
      for (const line of cardTexts(a).split('\n').filter((l) => l.includes(`${n}个指标`) || l.includes(`${n} indicators`))) {
        seen++;
        expect(line, a.card.title).not.toMatch(/四个方面|4个方面|four dimensions|4 dimensions/i);
        if (!/没有列出|does not list/.test(line)) expect(line, a.card.title).toMatch(/等|such as/);
      }
    }
    expect(seen).toBeGreaterThan(4);
  });

  it('says who told the reporter once, not twice', () => {
    for (const a of answers) {
      for (const s of a.card.sections) {
        const t = sectionText(s);
        expect(t.match(/told the reporter/g)?.length ?? 0, a.card.title).toBeLessThanOrEqual(1);
        expect(t.match(/向记者介绍/g)?.length ?? 0, a.card.title).toBeLessThanOrEqual(1);
      }
    }
  });

  it('shows the article\'s headline on the about card', () => {
    for (const lang of ['zh', 'en'] as Lang[]) expect(renderText(ask('about', lang).card)).toContain(report.source.headline);
  });
});

describe('hedges and tier peers, in every list', () => {
  const pathNames = report.paths.flatMap((p) => [p.zh, p.en]);

  it('hedges every bullet that names a path as a suggestion, in both languages', () => {
    let seen = 0;
    for (const a of answers.filter((x) => x.intent !== 'unknown')) {
      for (const s of a.card.sections) {
        for (const item of (s.items ?? []).filter((i) => pathNames.some((p) => i.includes(p)))) {
          seen++;
          expect(item, a.card.title).toMatch(/建议|suggest/i);
        }
      }
    }
    expect(seen).toBeGreaterThan(30);
  });

  it('lists only the region\'s tier peers (provinces, never a city such as Shenzhen) under the peers\' paths', () => {
    let seen = 0;
    for (const a of answers.filter((x) => x.intent === 'region')) {
      const peers = tierOf.get(a.regionIds[0])!.members.filter((id) => id !== a.regionIds[0]);
      const names = peers.map((id) => report.regions.find((r) => r.id === id)![a.lang === 'zh' ? 'zh' : 'en']);
      for (const s of a.card.sections.filter((x) => x.heading === MESSAGES[a.lang].peerPaths)) {
        for (const item of s.items!) {
          seen++;
          expect(names.some((n) => item.startsWith(`${n}${a.lang === 'zh' ? '：' : ':'}`)), `${a.card.title}: ${item}`).toBe(true);
        }
      }
    }
    expect(seen).toBeGreaterThan(10);
    expect(renderText(ask('region zhejiang', 'en').card)).toContain("Shenzhen: Build strength within, radiate outward (Hu Jianbo's example is the city of Shenzhen, in Guangdong)");
  });

  it('labels a tier\'s figure on a region\'s card as the tier\'s, not the region\'s own', () => {
    for (const a of answers.filter((x) => x.intent === 'region')) {
      const note = tierOf.get(a.regionIds[0])!.note?.[a.lang];
      if (!note) continue;
      const line = renderText(a.card).split('\n').find((l) => l.includes(note))!;
      expect(line, a.card.title).toMatch(a.lang === 'zh' ? /^就整个梯队而言（不是.+自己的数据）：/ : /^For the tier as a whole \(not .+'s own figure\): /);
    }
  });
});

describe('the English says what the Chinese says', () => {
  /** Every zh/en pair in data/ (paths, tiers, figures, quotes). */
  function pairs(value: unknown): [string, string][] {
    if (Array.isArray(value)) return value.flatMap(pairs);
    if (!value || typeof value !== 'object') return [];
    const o = value as Record<string, unknown>;
    const own: [string, string][] = typeof o.zh === 'string' && typeof o.en === 'string' ? [[o.zh, o.en]] : [];
    if (typeof o.quote === 'string' && typeof o.en === 'string') own.push([o.quote, o.en]);
    return [...own, ...Object.values(o).flatMap(pairs)];
  }
  const all = pairs(report);

  it('adds no "deep" the Chinese does not have (深), and keeps 融合应用 as integrated application', () => {
    expect(all.length).toBeGreaterThan(100);
    for (const [zh, en] of all) {
      if (/\bdeep/i.test(en)) expect(zh, en).toMatch(/深/);
      if (zh.includes('融合应用')) expect(en, zh).toMatch(/integrat/i);
    }
  });
});

describe('questions the article answers only in part', () => {
  it('gives the two sub-indices (2× and 1.5×, Hu Jianbo) for either index, not the overall index', () => {
    for (const q of ['基础设施建设指数变化了多少', '融合应用发展指数怎么样', '基础设施建设的指数', 'how did the infrastructure index change', 'integrated application index', '分项指数']) {
      const a = ask(q);
      expect(a.metricIds, q).toEqual(['sub-indices']);
      expect(renderText(a.card), q).toMatch(/2倍和1\.5倍|2 times and 1\.5 times/);
      expect(a.statedBy, q).toEqual(['hu-jianbo']);
    }
  });

  it('lets a figure\'s own word win over a word figures share (5G, 指数)', () => {
    expect(ask('5G+工业互联网在建项目有多少').metricIds).toEqual(['5g-projects']);
    for (const m of report.metrics.filter((x) => x.id.startsWith('5g'))) {
      for (const kw of m.keywords.zh) expect(ask(`5G ${kw}`).metricIds, kw).toEqual([m.id]);
    }
    expect(ask('5G').metricIds).toEqual(['5g-coverage', '5g-projects']);
    expect(ask('指数').metricIds).toEqual(['development-index']);
  });

  it('answers who a quoted person is by name, title or organisation, in both languages and pinyin', () => {
    const cases: [string, string, Lang][] = [
      ['胡坚波是谁', 'hu-jianbo', 'zh'], ['Who is Hu Jianbo?', 'hu-jianbo', 'en'], ['hujianbo', 'hu-jianbo', 'en'],
      ['工业互联网产业联盟秘书长说了什么', 'hu-jianbo', 'zh'], ['who is the secretary-general', 'hu-jianbo', 'en'],
      ['Alliance of Industrial Internet', 'hu-jianbo', 'en'], ['胡堅波是誰', 'hu-jianbo', 'zh'],
      ['赵志国', 'zhao-zhiguo', 'zh'], ['Who is Zhao Zhiguo?', 'zhao-zhiguo', 'en'], ['zhao zhiguo', 'zhao-zhiguo', 'en'],
      ['工信部的局长说了什么', 'zhao-zhiguo', 'zh'], ['信息通信管理局局长', 'zhao-zhiguo', 'zh'], ['what did the MIIT director-general say', 'zhao-zhiguo', 'en'],
    ];
    for (const [q, id, lang] of cases) {
      const a = ask(q);
      expect(a, q).toMatchObject({ intent: 'person', lang, statedBy: [id] });
      const p = report.people.find((x) => x.id === id)!;
      const text = renderText(a.card);
      const role = a.lang === 'zh' ? p.role.zh : p.role.en;
      expect(text, q).toContain(q === '胡堅波是誰' ? '秘書長' : role);
      if (!q.includes('堅')) for (const quote of p.quotes) expect(text, q).toContain(quote[lang]);
    }
    // What else the article has him say, as buttons that work.
    const hu = ask('person hu-jianbo --lang en');
    expect(renderText(hu.card)).toContain('describes the four tiers');
    for (const action of hu.card.actions) expect(ask(action.command).intent, action.command).not.toBe('unknown');
  });

  it('says the article ranks no region and gives no region\'s own index, then what it does say', () => {
    for (const q of ['哪个省排名第一', 'which province ranks first', 'Which region is the best?', '示范引领里谁排第一', '北京排名第几', '湖北的得分', '北京和上海谁更强']) {
      const a = ask(q);
      expect(a.intent, q).not.toBe('unknown');
      expect(a.card.sections.map((s) => s.text ?? '').join('\n'), q).toContain(MESSAGES[a.lang].noRanking);
      expect(a.tierIds.length, q).toBeGreaterThan(0);
    }
    for (const r of report.regions) {
      const a = ask(`${r.zh}的发展指数是多少`);
      expect(a.regionIds, r.id).toEqual([r.id]);
      const text = renderText(a.card);
      expect(text, r.id).toContain(`文章没有给出${r.zh}自己的发展总指数，只有全国的数字：`);
      expect(text, r.id).toContain('2020年146.6（较上年+46.6）（出自《报告》）');
    }
    expect(renderText(ask("what is Beijing's development index").card)).toContain("The article gives no Overall development index of Beijing's own, only the national figure:");
  });

  it('says the article does not name who published the report', () => {
    for (const q of ['谁发布的报告', '报告是谁发布的', 'Who published the report?', 'who released the report', 'report publisher']) {
      const a = ask(q);
      expect(a.intent, q).toBe('about');
      expect(renderText(a.card), q).toContain(MESSAGES[a.lang].unnamedPublisher);
    }
  });

  it('names the indicators the article gives for the tiers (占比超过70%, 标识解析二级节点)', () => {
    const cases: [string, string[]][] = [
      ['占比超过70%的是哪些指标', ['leading']], ['which indicators are above 70%', ['leading']], ['标识注册量', ['leading']],
      ['标识解析二级节点', ['rising']], ['secondary nodes', ['rising']], ['标识解析', ['leading', 'rising']],
    ];
    for (const [q, tiers] of cases) {
      const a = ask(q);
      expect(a.tierIds, q).toEqual(tiers);
      const text = renderText(a.card);
      for (const id of tiers) expect(text, q).toContain(report.tiers.find((t) => t.id === id)!.note![a.lang]);
      expect(text, q).toMatch(/胡坚波|Hu Jianbo/);
    }
  });

  it('lists the Shanxi / Shaanxi choice in text, numbered as the console numbers the buttons', () => {
    for (const a of answers.filter((x) => x.intent === 'ambiguous')) {
      const items = a.card.sections.flatMap((s) => s.items ?? []);
      expect(items).toEqual(a.card.actions.map((x, i) => `${i + 1}. ${x.label}`));
    }
    expect(renderText(ask('Shanxi').card)).toMatch(/Pick one:\n {2}• 1\. 山西 Shanxi\n {2}• 2\. 陕西 Shaanxi/);
  });
});

describe('"did you mean" only for what may name a place', () => {
  const everyday = [
    '今天天气怎么样', '天气', '明天会下雨吗', '你叫什么名字', '吃饭了吗', '现在几点了', '讲个笑话', '新年快乐', '我爱你', '上班好累',
    '东西在哪里', '天天开心', "what's the weather like today", 'tell me a joke', 'good morning', 'what time is it', 'is it going to rain',
    'thank you so much', 'see you tomorrow', 'I am hungry', 'nice to meet you', 'where is the nearest station', 'happy new year',
  ];
  for (const text of everyday) {
    it(text, () => {
      const a = ask(text);
      expect(a.regionIds).toEqual([]);
      expect(a.card.sections.map((s) => s.heading)).not.toContain(MESSAGES[a.lang].didYouMean);
    });
  }

  it('still offers names for a fragment or a misspelling of one', () => {
    expect(ask('湖').card.actions.map((x) => x.label)).toEqual(expect.arrayContaining(['湖北', '湖南']));
    expect(ask('黑龙').card.actions.map((x) => x.label)).toContain('黑龙江');
    expect(ask('xyz Shanhai2').card.actions.map((x) => x.command)).toContain('region shanghai --lang en');
  });
});

describe('the answer\'s language', () => {
  it('reads no language into 5G or punctuation, and Chinese into full-width punctuation', () => {
    for (const text of ['5G', '5G?', '4G 5G', '123', '???', '🙂']) expect(questionLang(text), text).toBeUndefined();
    for (const text of ['？？？', '。', '5G？']) expect(questionLang(text), text).toBe('zh');
    for (const text of ['5G projects', 'hubei', 'G', 'hubei？']) expect(questionLang(text), text).toBe('en');
  });

  it('answers text without a language of its own in the remembered or platform language, else in Chinese', () => {
    for (const text of ['5G', '？？？', '???', '']) {
      expect(ask(text).lang, text).toBe('zh');
      if (text !== '？？？') expect(ask(text, undefined, 'en').lang, text).toBe('en');
    }
    expect(ask('？？？', undefined, 'en').lang).toBe('zh');
    expect(handle({ text: '5G', platform: 'slack', locale: 'en-US' }).lang).toBe('en');
  });
});

describe('a question in Traditional characters', () => {
  const full = FullOpenCC.Converter({ from: 'cn', to: 'tw' });
  const fullWithNames = (s: string) => s.split(new RegExp(`(${NAMES.join('|')})`)).map(full).join('');

  it('is answered in Traditional characters, with buttons that keep them', () => {
    const a = ask('廣東屬於哪個梯隊');
    expect(a).toMatchObject({ intent: 'region', lang: 'zh', regionIds: ['guangdong'] });
    const text = renderText(a.card);
    expect(text).toContain('廣東 · 示範引領梯隊');
    expect(text).toContain('胡堅波');
    expect(text).not.toMatch(/[东广队发]/);
    for (const action of a.card.actions) {
      expect(action.command, action.label).toMatch(/--lang zh-hant$/);
      expect(renderText(ask(action.command).card), action.command).not.toMatch(/[队发华]/);
    }
    // Simplified questions stay Simplified.
    expect(renderText(ask('广东属于哪个梯队').card)).toContain('广东 · 示范引领梯队');
  });

  it('never takes Simplified text for Traditional (every line of every Chinese card)', () => {
    const lines = [...new Set(chineseCardTexts().flatMap((t) => t.split('\n')))].filter((l) => hasCjk(l) && !l.includes('廣東'));
    expect(lines.length).toBeGreaterThan(300);
    for (const line of lines) expect(isTraditional(line), line).toBe(false);
    expect(isTraditional('請問陝西是哪個梯隊')).toBe(true);
  });

  it('converts every Chinese card exactly as OpenCC\'s full converter would (data/hant-phrases.json is up to date)', () => {
    const stale = phrasesIn(chineseCardTexts()) !== JSON.parse(readFileSync(new URL('../../data/hant-phrases.json', import.meta.url), 'utf8')).phrases;
    expect(stale, 'run: node --import tsx test/tools/hant-phrases.ts').toBe(false);
    for (const a of answers.filter((x) => x.lang === 'zh').slice(0, 400)) {
      const t = inTraditional(a);
      const strings = (c: Card) => [c.title, ...c.sections.flatMap((s) => [s.heading ?? '', s.text ?? '', ...(s.items ?? []), ...(s.fields ?? []).flatMap((f) => [f.label, f.value])])];
      expect(strings(t.card)).toEqual(strings(a.card).map(fullWithNames));
    }
  });
});
