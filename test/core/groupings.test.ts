import * as OpenCC from 'opencc-js/cn2t';
import { describe, expect, it } from 'vitest';
import { groupings, regionById, tierOf } from '../../src/core/data.js';
import { handle } from '../../src/core/handle.js';
import type { Answer, Lang } from '../../src/core/types.js';
import { renderText } from '../../src/render/text.js';

const ask = (text: string, lang?: Lang): Answer => handle({ text, platform: 'cli', lang });
const textOf = (a: Answer) => renderText(a.card);
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

/** What a Chinese colleague expects each grouping to hold (general knowledge, written out here on purpose). */
const EXPECTED: Record<string, string[]> = {
  'yangtze-river-delta': ['shanghai', 'jiangsu', 'zhejiang', 'anhui'],
  'jing-jin-ji': ['beijing', 'tianjin', 'hebei'],
  'pearl-river-delta': ['guangdong'],
  'greater-bay-area': ['guangdong'],
  northeast: ['liaoning', 'jilin', 'heilongjiang'],
  east: ['beijing', 'tianjin', 'hebei', 'shanghai', 'jiangsu', 'zhejiang', 'fujian', 'shandong', 'guangdong', 'hainan'],
  central: ['shanxi', 'anhui', 'jiangxi', 'henan', 'hubei', 'hunan'],
  west: ['inner-mongolia', 'guangxi', 'chongqing', 'sichuan', 'guizhou', 'yunnan', 'tibet', 'shaanxi', 'gansu', 'qinghai', 'ningxia', 'xinjiang'],
  coastal: ['liaoning', 'hebei', 'tianjin', 'shandong', 'jiangsu', 'shanghai', 'zhejiang', 'fujian', 'guangdong', 'guangxi', 'hainan'],
  'north-china': ['beijing', 'tianjin', 'hebei', 'shanxi', 'inner-mongolia'],
  'east-china': ['shanghai', 'jiangsu', 'zhejiang', 'anhui', 'fujian', 'jiangxi', 'shandong'],
  'central-china': ['henan', 'hubei', 'hunan'],
  'south-china': ['guangdong', 'guangxi', 'hainan'],
  southwest: ['chongqing', 'sichuan', 'guizhou', 'yunnan', 'tibet'],
  northwest: ['shaanxi', 'gansu', 'qinghai', 'ningxia', 'xinjiang'],
  'chengdu-chongqing': ['sichuan', 'chongqing'],
  'yangtze-river-economic-belt': ['shanghai', 'jiangsu', 'zhejiang', 'anhui', 'jiangxi', 'hubei', 'hunan', 'chongqing', 'sichuan', 'yunnan', 'guizhou'],
  'yellow-river-basin': ['qinghai', 'sichuan', 'gansu', 'ningxia', 'inner-mongolia', 'shanxi', 'shaanxi', 'henan', 'shandong'],
  'jiang-zhe-hu': ['jiangsu', 'zhejiang', 'shanghai'],
  'bei-shang-guang-shen': ['beijing', 'shanghai', 'guangdong'],
};

/** A region outside the grouping, to ask about next to it. */
const outsider = (members: string[]) => ['hubei', 'gansu', 'beijing'].find((id) => !members.includes(id))!;

describe('every regional grouping', () => {
  it('is one the tests know, and the other way round', () => {
    expect(groupings.groupings.map((g) => g.id).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const g of groupings.groupings) {
    const members = EXPECTED[g.id];
    const isGroup = (a: Answer, text: string) => {
      expect(a.intent, text).toBe('group');
      expect(a.groupIds, text).toEqual([g.id]);
      expect([...a.regionIds].sort(), text).toEqual([...members].sort());
    };

    it(`${g.id}: membership, by each of its names (${g.zh} / ${g.en})`, () => {
      for (const name of [g.zh, g.en, ...g.names]) isGroup(ask(name), name);
      isGroup(ask(`group ${g.id}`), `group ${g.id}`);
    });

    it(`${g.id}: traditional Chinese, upper case, and inside sentences`, () => {
      const zh = [toTraditional(g.zh), `${g.zh}怎么样？`, `请问${g.zh}有哪些省份，分别在哪个梯队`, `${toTraditional(g.zh)}的發展路徑`];
      for (const text of zh) {
        isGroup(ask(text), text);
        expect(ask(text).lang).toBe('zh');
      }
      for (const text of [g.en.toUpperCase(), `How is the ${g.en} doing?`, `which tiers are in ${g.en}, please`]) {
        isGroup(ask(text), text);
        expect(ask(text).lang).toBe('en');
      }
    });

    it(`${g.id}: next to a single region, both shown`, () => {
      const other = outsider(members);
      const r = regionById.get(other)!;
      for (const text of [`${g.zh}和${r.zh}对比`, `${r.zh}跟${g.zh}比怎么样`, `compare ${g.en} with ${r.en}`, `${r.en} vs ${g.en}`]) {
        const a = ask(text);
        expect(a.intent, text).toBe('group');
        expect(a.groupIds, text).toEqual([g.id]);
        expect([...a.regionIds].sort(), text).toEqual([...members, other].sort());
        expect(textOf(a), text).toContain(a.lang === 'zh' ? r.zh : r.en);
      }
      // A member named next to its own grouping is just the grouping.
      expect([...ask(`${g.zh}里的${regionById.get(members[0])!.zh}`).regionIds].sort()).toEqual([...members].sort());
    });

    it(`${g.id}: card with each member's tier and suggested path, the tier mix and the provenance line`, () => {
      for (const lang of ['zh', 'en'] as const) {
        const a = ask(`group ${g.id}`, lang);
        const t = textOf(a);
        for (const id of members) {
          expect(t).toContain(lang === 'zh' ? regionById.get(id)!.zh : regionById.get(id)!.en.replace(/ \(.*\)$/, ''));
          expect(t).toContain(tierOf.get(id)![lang]);
        }
        expect(t).toContain(lang === 'zh' ? '梯队分布：' : 'Tier mix: ');
        expect(t).toContain(groupings.provenance[lang]);
        if (g.definition) expect(t).toContain(g.definition[lang]);
        expect(a.tierIds.sort()).toEqual([...new Set(members.map((id) => tierOf.get(id)!.id))].sort());
      }
    });
  }
});

describe('grouping cards', () => {
  it('names Hong Kong and Macao as outside the report for the Greater Bay Area, with Guangdong inside', () => {
    const zh = ask('粤港澳大湾区');
    expect(zh.regionIds).toEqual(['guangdong']);
    expect(textOf(zh)).toContain('香港、澳门不在文章所说的“我国31个省（市、区）”之中');
    expect(textOf(ask('Greater Bay Area'))).toContain("Hong Kong, Macao: not among the article's 31 provincial-level regions");
  });

  it('counts the tier mix', () => {
    expect(textOf(ask('长三角'))).toContain('梯队分布：示范引领3个、快速崛起1个');
    expect(textOf(ask('Jing-Jin-Ji'))).toContain('Tier mix: Leading the Way 1, Rapid Rise 1, Catching Up 1');
  });

  it('says which definition a fuzzy grouping uses', () => {
    expect(textOf(ask('西部'))).toContain('口径：按西部大开发的范围，12个省区市，包括内蒙古和广西');
    expect(textOf(ask('South China'))).toContain('Fujian, sometimes counted, is not here');
  });

  it('shows two groupings side by side', () => {
    const a = ask('京津冀和长三角对比');
    expect(a.groupIds).toEqual(['jing-jin-ji', 'yangtze-river-delta']);
    expect(a.regionIds).toHaveLength(7);
    expect(a.card.title).toBe('对比：京津冀、长三角');
  });

  it('lists the groupings it knows', () => {
    const a = ask('groupings');
    expect(a.intent).toBe('group');
    expect(a.groupIds).toHaveLength(groupings.groupings.length);
    expect(textOf(ask('地区组合'))).toContain('长三角：上海、江苏、浙江、安徽');
  });

  it('reads pinyin, with or without tones and spaces', () => {
    const cases: [string, string][] = [
      ['changsanjiao', 'yangtze-river-delta'], ['Cháng Sān Jiǎo', 'yangtze-river-delta'], ['jing jin ji', 'jing-jin-ji'],
      ['Dōngběi', 'northeast'], ['xibu', 'west'], ['yanhai', 'coastal'], ['huabei', 'north-china'], ['Chéngyú', 'chengdu-chongqing'],
    ];
    for (const [text, id] of cases) expect(ask(text).groupIds, text).toEqual([id]);
    // A province's own pinyin is never taken for a grouping that sounds close.
    expect(ask('hubei').regionIds).toEqual(['hubei']);
    expect(ask('hunan').regionIds).toEqual(['hunan']);
  });

  it('leaves colloquial pairs of short names as a comparison', () => {
    expect(ask('京沪')).toMatchObject({ intent: 'compare', regionIds: ['beijing', 'shanghai'], groupIds: [] });
  });

  it('suggests a grouping for a fragment of its name', () => {
    const a = ask('长三');
    expect(a.intent).toBe('unknown');
    expect(a.card.actions.map((x) => x.command)).toContain('group yangtze-river-delta --lang zh');
  });

  it('was 没有理解 before: 长三角怎么样', () => {
    expect(ask('长三角怎么样').card.title).toBe('长三角');
  });
});

describe('multi-word names with typos', () => {
  const cases: [string, string][] = [
    ['Inner Mongoila', 'inner-mongolia'], ['Heilong Jaing', 'heilongjiang'], ['which tier is Inner Mongloia in', 'inner-mongolia'],
    ['hei long jaing', 'heilongjiang'],
  ];
  for (const [typed, id] of cases) {
    it(`${typed} → ${id}`, () => {
      const a = ask(typed);
      expect(a.regionIds).toEqual([id]);
      expect(a.card.sections[0].text).toMatch(/^Showing .+ \(you typed ".+"\)$/);
    });
  }

  it('reads a misspelt grouping too', () => {
    expect(ask('Yangtze Rvier Delta').groupIds).toEqual(['yangtze-river-delta']);
  });

  it('never joins ordinary English words into a place', () => {
    for (const text of ['inner workings', 'the inner city', 'long jump', 'changing betting', 'delta river', 'west wing', 'north star', 'central bank'])
      expect(ask(text).regionIds, text).toEqual([]);
  });
});
