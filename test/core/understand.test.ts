import { describe, expect, it } from 'vitest';
import { report } from '../../src/core/data.js';
import { handle } from '../../src/core/handle.js';
import type { Answer, Lang } from '../../src/core/types.js';

const ask = (text: string, lang?: Lang): Answer => handle({ text, platform: 'cli', lang });

describe('every region by each of its names', () => {
  for (const r of report.regions) {
    // Toneless "shanxi" is ambiguous by design (tested below); its other names are not.
    const latin = r.id === 'shanxi' ? [] : [r.en, r.en.toUpperCase(), r.pinyin];
    const names = [r.zh, r.long, r.short, ...latin, ...r.aliases];
    it(`${r.id}: ${names.join(' / ')}`, () => {
      for (const name of names) {
        const a = ask(name);
        expect(a.regionIds, name).toEqual([r.id]);
        expect(a.intent, name).toBe('region');
        expect(a.tierIds, name).toEqual([report.tiers.find((t) => t.members.includes(r.id))!.id]);
      }
    });
    for (const city of r.cities) {
      it(`${city.zh} / ${city.en} → ${r.zh}`, () => {
        for (const name of [city.zh, city.en]) {
          const a = ask(name);
          expect(a.regionIds, name).toEqual([r.id]);
          const note = a.card.sections.map((s) => s.text ?? '').join('\n');
          expect(note).toContain(`${city[a.lang]} → ${a.lang === 'zh' ? r.zh : r.en}`);
        }
      });
    }
  }
});

describe('phrasings people type', () => {
  const cases: [string, Partial<Answer>][] = [
    ['粤', { intent: 'region', lang: 'zh', regionIds: ['guangdong'], tierIds: ['leading'] }],
    ['广东省属于哪个梯队？', { intent: 'region', regionIds: ['guangdong'], tierIds: ['leading'], strategyIds: ['lead-then-scale', 'radiate-outward'] }],
    ['廣東省屬於哪個梯隊？', { intent: 'region', lang: 'zh', regionIds: ['guangdong'] }],
    ['請問陝西是哪個梯隊', { intent: 'region', regionIds: ['shaanxi'], tierIds: ['rising'] }],
    ['what tier is Yunnan in', { intent: 'region', lang: 'en', regionIds: ['yunnan'], tierIds: ['catching-up'], strategyIds: [] }],
    ['GANSU', { intent: 'region', lang: 'en', regionIds: ['gansu'], tierIds: ['nascent'] }],
    ['ＧＡＮＳＵ', { regionIds: ['gansu'] }],
    ['Zhejang', { intent: 'region', regionIds: ['zhejiang'], tierIds: ['leading'] }],
    ['shangai', { regionIds: ['shanghai'] }],
    ['heilongjiang', { intent: 'region', regionIds: ['heilongjiang'], tierIds: ['catching-up'] }],
    ['Hēilóngjiāng', { regionIds: ['heilongjiang'] }],
    ['hu bei', { regionIds: ['hubei'] }],
    ['Hi there! Could you please tell me which tier Hubei belongs to? Thanks a lot', { intent: 'region', regionIds: ['hubei'] }],
    ['您好，请问一下湖北省在哪个梯队呀？谢谢！', { intent: 'region', regionIds: ['hubei'], lang: 'zh' }],
    ['武汉', { intent: 'region', regionIds: ['hubei'], tierIds: ['leading'] }],
    ['深圳', { intent: 'region', regionIds: ['guangdong'], strategyIds: ['radiate-outward', 'lead-then-scale'] }],
    ['北京和上海对比', { intent: 'compare', lang: 'zh', regionIds: ['beijing', 'shanghai'], tierIds: ['leading'] }],
    ['京沪', { intent: 'compare', regionIds: ['beijing', 'shanghai'] }],
    ['compare hebei with henan', { intent: 'compare', lang: 'en', regionIds: ['hebei', 'henan'], tierIds: ['catching-up', 'rising'] }],
    ['Beijing vs Shanghai vs Wuhan', { intent: 'compare', regionIds: ['beijing', 'shanghai', 'hubei'] }],
    ['后发追赶有哪些省', { intent: 'tier', lang: 'zh', tierIds: ['catching-up'] }],
    ['members of the rising tier', { intent: 'tier', lang: 'en', tierIds: ['rising'] }],
    ['第一梯队有哪些', { intent: 'tier', tierIds: ['leading'] }],
    ['tiers', { intent: 'tier', tierIds: ['leading', 'rising', 'catching-up', 'nascent'] }],
    ['梯队', { intent: 'tier', tierIds: ['leading', 'rising', 'catching-up', 'nascent'] }],
    ['典型带路', { intent: 'path', lang: 'zh', strategyIds: ['lead-then-scale'], regionIds: ['shanghai', 'jiangsu', 'guangdong', 'hubei'] }],
    ['修炼内功——对外辐射', { intent: 'path', strategyIds: ['radiate-outward'], regionIds: ['beijing', 'guangdong'] }],
    ['breakthrough path', { intent: 'path', strategyIds: ['breakthrough'], regionIds: ['tianjin', 'shanxi', 'inner-mongolia'] }],
    ['上海的发展路径', { intent: 'path', lang: 'zh', regionIds: ['shanghai'], strategyIds: ['lead-then-scale'] }],
    ['云南的发展路径', { intent: 'path', regionIds: ['yunnan'], strategyIds: [] }],
    ['development paths', { intent: 'path', strategyIds: ['radiate-outward', 'lead-then-scale', 'breakthrough'] }],
    ['headline figures', { intent: 'metrics', lang: 'en', metricIds: report.metrics.map((m) => m.id) }],
    ['核心数据', { intent: 'metrics', lang: 'zh', metricIds: report.metrics.map((m) => m.id) }],
    ['数字经济占比', { intent: 'metrics', lang: 'zh', metricIds: ['digital-economy-share'] }],
    ['how much investment', { intent: 'metrics', lang: 'en', metricIds: ['investment'] }],
    ['5G projects', { intent: 'metrics', metricIds: ['5g-projects'] }],
    ['专利增长多少', { intent: 'metrics', metricIds: ['patents'] }],
    ['?', { intent: 'help' }],
    ['', { intent: 'help' }],
    ['/iiot', { intent: 'help' }],
    ['/iiot help', { intent: 'help' }],
    ['帮助', { intent: 'help', lang: 'zh' }],
    ['<@U123ABC> 湖北', { intent: 'region', regionIds: ['hubei'] }],
    ['<@U123ABC|iiot> /iiot what tier is hubei', { intent: 'region', lang: 'en', regionIds: ['hubei'] }],
    ['@_user_1 /iiot 湖北', { intent: 'region', regionIds: ['hubei'] }],
    ['香港', { intent: 'not-covered', lang: 'zh', regionIds: [] }],
    ['what about Taiwan?', { intent: 'not-covered', lang: 'en' }],
    ['Macau', { intent: 'not-covered' }],
    ['shanxi', { intent: 'ambiguous', regionIds: ['shanxi', 'shaanxi'] }],
    ['Which tier is Shanxi in?', { intent: 'ambiguous', regionIds: ['shanxi', 'shaanxi'] }],
    ['shanxii', { intent: 'ambiguous' }],
    ['shan xi', { intent: 'ambiguous' }],
    ['Shānxī', { intent: 'region', regionIds: ['shanxi'] }],
    ['Shǎnxī', { intent: 'region', regionIds: ['shaanxi'] }],
    ['hubei shi na ge tidui', { intent: 'region', regionIds: ['hubei'] }],
    ['houfa zhuigan', { intent: 'tier', tierIds: ['catching-up'] }],
    ['beijing shanghai duibi', { intent: 'compare', regionIds: ['beijing', 'shanghai'] }],
    ['Who is Hu Jianbo?', { intent: 'person', statedBy: ['hu-jianbo'] }],
    ['你能做什么', { intent: 'help', lang: 'zh' }],
    ['compare shanxi and shaanxi', { intent: 'compare', regionIds: ['shaanxi', 'shanxi'] }],
    ['which tier is shaanxi', { intent: 'region', regionIds: ['shaanxi'], tierIds: ['rising'] }],
    ['山西', { intent: 'region', regionIds: ['shanxi'], tierIds: ['catching-up'], strategyIds: ['breakthrough'] }],
    ['compare all regions', { intent: 'compare', tierIds: ['leading', 'rising', 'catching-up', 'nascent'] }],
    ['about the report', { intent: 'about' }],
    ['湖北 --lang en', { intent: 'region', lang: 'en', regionIds: ['hubei'] }],
    ['湖北是哪个梯队？请用英文回答', { intent: 'region', lang: 'en', regionIds: ['hubei'] }],
    ['Hubei tier, in Chinese please', { intent: 'region', lang: 'zh', regionIds: ['hubei'] }],
    ['tier rising --lang zh', { intent: 'tier', lang: 'zh', tierIds: ['rising'] }],
    ['region shanxi', { intent: 'region', regionIds: ['shanxi'] }],
    ['Guizou', { regionIds: ['guizhou'] }],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => expect(ask(text)).toMatchObject(expected));
  }

  it('gives all 31 regions side by side for "compare all"', () => {
    expect(ask('对比所有地区').regionIds).toHaveLength(31);
  });

  it('lets an explicit language win over the question', () => {
    expect(ask('湖北', 'en').lang).toBe('en');
    expect(ask('Hubei', 'zh').lang).toBe('zh');
  });
});

describe('not understood', () => {
  it('offers "did you mean" from the dataset\'s own names', () => {
    const a = ask('Guizhuo provence qqq');
    expect(a.regionIds).toEqual(['guizhou']);
    const hu = ask('湖');
    expect(hu.intent).toBe('unknown');
    expect(hu.card.actions.map((x) => x.label)).toEqual(expect.arrayContaining(['湖北', '湖南']));
    const sh = ask('xyz Shanhai2');
    expect(sh.intent).toBe('unknown');
    expect(sh.card.actions.map((x) => x.command)).toContain('region shanghai --lang en');
  });

  it('answers gibberish with a help card in the question\'s language', () => {
    const a = ask('qwxz blorp');
    expect(a.intent).toBe('unknown');
    expect(a.card.title).toBe("Sorry, I didn't get that");
    expect(ask('呃呃呃').card.title).toBe('没有找到答案');
  });
});

describe('every tier, path and figure by its names in both languages', () => {
  for (const t of report.tiers) {
    it(`tier ${t.id}: ${t.zh} / ${t.en}`, () => {
      for (const [text, lang] of [[t.zh, 'zh'], [`${t.zh}梯队有哪些地区`, 'zh'], [t.en, 'en'], [`which regions are in the ${t.en} tier?`, 'en']] as const) {
        expect(ask(text), text).toMatchObject({ intent: 'tier', lang, tierIds: [t.id], regionIds: t.members });
      }
    });
  }
  for (const p of report.paths) {
    it(`path ${p.id}: ${p.zh} / ${p.en}`, () => {
      for (const [text, lang] of [[p.zh, 'zh'], [p.zh.split('——')[0], 'zh'], [p.zh.split('——')[1], 'zh'], [p.en, 'en']] as const) {
        expect(ask(text), text).toMatchObject({ intent: 'path', lang, strategyIds: [p.id], regionIds: [...new Set(p.named.map((n) => n.region))] });
      }
    });
  }
  for (const m of report.metrics) {
    it(`figure ${m.id}: ${[...m.keywords.zh, ...m.keywords.en].join(' / ')}`, () => {
      for (const keyword of [...m.keywords.zh, ...m.keywords.en]) {
        const a = ask(keyword);
        expect(a.intent, keyword).toBe('metrics');
        expect(a.metricIds, keyword).toContain(m.id);
      }
      expect(ask(`${m.keywords.zh[0]}是多少？`).metricIds).toEqual([m.id]);
      expect(ask(`what does the report say about ${m.keywords.en[0]}?`).metricIds).toEqual([m.id]);
    });
  }
});

describe('typos', () => {
  const cases: [string, string][] = [
    ['hubie', 'hubei'], ['Anhiu', 'anhui'], ['ningxai', 'ningxia'], ['jaingsu', 'jiangsu'], ['Zheijang', 'zhejiang'],
    ['Guangdon', 'guangdong'], ['Sichaun', 'sichuan'], ['Beijng', 'beijing'], ['Tianjing', 'tianjin'], ['heilonjang', 'heilongjiang'],
  ];
  for (const [typed, id] of cases) {
    it(`${typed} → ${id}, and the card says what it read`, () => {
      const a = ask(typed);
      expect(a.regionIds).toEqual([id]);
      expect(a.card.sections[0].text).toMatch(new RegExp(`^Showing .+ \\(you typed "${typed}"\\)$`));
    });
  }

  it('reads Chinese typed with the wrong characters by its sound', () => {
    for (const [typed, id, name] of [['胡北', 'hubei', '湖北'], ['河难是哪个梯队', 'henan', '河南'], ['黑龙将', 'heilongjiang', '黑龙江'], ['新僵', 'xinjiang', '新疆']]) {
      const a = ask(typed);
      expect(a.regionIds, typed).toEqual([id]);
      expect(a.card.sections[0].text).toBe(`已按“${name}”查询（输入为“${typed.slice(0, name.length)}”）`);
    }
    expect(ask('山熙')).toMatchObject({ intent: 'ambiguous', regionIds: ['shanxi', 'shaanxi'] });
    expect(ask('杭洲').regionIds).toEqual(['zhejiang']);
    for (const text of ['谢谢', '你好', '呃呃呃', '好的', '今天天气不错我们一起去吃饭吧记得带伞']) expect(ask(text).regionIds, text).toEqual([]);
  });

  it('corrects a city too, and shows the city it read', () => {
    expect(ask('Chengud').card.sections[0].text).toBe('Chengdu → Sichuan');
  });

  it('leaves ordinary English words alone', () => {
    const words = ['human', 'china', 'hello there', 'thanks', 'what can you do', 'changing', 'betting', 'caution', 'anton',
      'planning', 'chunking', 'being', 'daily', 'asian', 'helping', 'meaning', 'training', 'hunting'];
    for (const text of words) expect(ask(text).regionIds, text).toEqual([]);
  });
});
