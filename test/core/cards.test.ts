import { describe, expect, it } from 'vitest';
import { report } from '../../src/core/data.js';
import { handle } from '../../src/core/handle.js';
import type { Answer, Card, Lang } from '../../src/core/types.js';
import { renderText } from '../../src/render/text.js';
import { allAnswers } from '../support/all-answers.js';

const ask = (text: string, lang?: Lang): Answer => handle({ text, platform: 'cli', lang });
const textOf = (card: Card) => renderText(card);

describe('region card', () => {
  it('states the tier, the named path, the peers and the source (zh)', () => {
    const t = textOf(ask('湖北').card);
    expect(t).toContain('湖北 · 示范引领梯队');
    expect(t).toContain('典型带路——全面推广');
    expect(t).toContain('北京、上海、江苏、浙江、广东');
    expect(t).toContain('来源：21世纪经济报道对《中国工业互联网发展成效评估报告》的报道');
  });

  it('says plainly when no path is suggested for a region, and labels peers\' paths as theirs (en)', () => {
    const a = ask('Yunnan');
    expect(a.strategyIds).toEqual([]);
    const t = textOf(a.card);
    expect(t).toContain("None suggested: Hu Jianbo's examples do not include Yunnan");
    expect(t).toContain('Paths Hu Jianbo suggested for tier peers he gave as examples (for reference; not a suggestion for this region)');
    expect(t).toContain('Shanxi: suggested: Break through at one point, overtake from behind');
  });

  it('gives a path as Hu Jianbo\'s suggestion for places like the region, in his words (zh, en)', () => {
    const zh = textOf(ask('湖北').card);
    expect(zh).toContain('工业互联网产业联盟秘书长胡坚波建议，上海、江苏、广东、湖北等地可以实施“典型带路——全面推广”策略。');
    const en = textOf(ask('Tianjin').card);
    expect(en).toContain('Suggested by Hu Jianbo, Secretary-General of the Alliance of Industrial Internet: Places such as Tianjin, Shanxi and Inner Mongolia could adopt the "Break through at one point, overtake from behind" approach.');
    expect(textOf(ask('北京').card)).toContain('以北京、深圳为代表的一些城市可以走“修炼内功——对外辐射”的路径');
  });

  it('never gives a path to a region the article does not name for one', () => {
    const named = new Set(report.paths.flatMap((p) => p.named.map((n) => n.region)));
    for (const r of report.regions) {
      for (const lang of ['zh', 'en'] as const) {
        const a = ask(`region ${r.id}`, lang);
        expect(a.strategyIds.length > 0, r.id).toBe(named.has(r.id));
        const p = ask(`path ${r.id}`, lang);
        expect(p.strategyIds).toEqual(a.strategyIds);
      }
    }
  });

  it('names Shenzhen as the city the radiate-outward path was named for', () => {
    const t = textOf(ask('Shenzhen').card);
    expect(t).toContain('Shenzhen → Guangdong');
    expect(t).toContain("Shenzhen: Build strength within, radiate outward (Hu Jianbo's example is the city of Shenzhen, in Guangdong)");
    expect(t).toContain('; Guangdong: Flagships lead, then roll out');
  });

  it('has buttons whose commands answer in the same language', () => {
    const a = ask('湖北');
    for (const action of a.card.actions) {
      const next = ask(action.command);
      expect(next.lang, action.command).toBe('zh');
      expect(next.intent, action.command).not.toBe('unknown');
    }
    expect(a.card.actions[0]).toEqual({ label: '梯队：示范引领', command: 'tier leading --lang zh' });
  });
});

describe('other cards', () => {
  it('lists a tier\'s members with a button each', () => {
    const a = ask('孕育起步');
    expect(textOf(a.card)).toContain('海南、甘肃、青海、西藏');
    expect(a.card.actions.map((x) => x.command)).toEqual(expect.arrayContaining(['region tibet --lang zh', 'tier all --lang zh']));
  });

  it('shows a figure with its number and the article\'s sentence', () => {
    const zh = textOf(ask('投资').card);
    expect(zh).toContain('近700亿元');
    expect(zh).toContain('原文：过去4年，我国工业互联网创新工程带动投资近700亿元');
    const en = textOf(ask('how many pilot projects').card);
    expect(en).toContain('258');
  });

  it('puts every headline figure on the metrics card', () => {
    const t = textOf(ask('metrics').card);
    for (const m of report.metrics) expect(t).toContain(m.value.en);
  });

  it('compares regions side by side', () => {
    const t = textOf(ask('compare hebei with henan').card);
    expect(t).toContain("Hebei 河北: Catching Up · no path suggested (not among Hu Jianbo's examples)");
    expect(t).toContain('Henan 河南: Rapid Rise');
  });

  it('groups a comparison of more than six regions by tier, each tier\'s regions without a suggested path in one line', () => {
    const a = ask('compare beijing tianjin hebei shanxi inner-mongolia liaoning jilin');
    expect(a.card.sections.map((s) => s.heading).filter(Boolean)).toEqual([
      'Leading the Way (Beijing)', 'Rapid Rise (Tianjin)', 'Catching Up (Hebei, Shanxi, Inner Mongolia, Liaoning, Jilin)',
    ]);
    expect(a.card.sections[2].items).toEqual([
      'Shanxi: suggested: Break through at one point, overtake from behind',
      'Inner Mongolia: suggested: Break through at one point, overtake from behind',
      "Not among Hu Jianbo's examples: Hebei, Liaoning, Jilin",
    ]);
    const all = textOf(ask('对比所有地区').card);
    expect(all.match(/不在胡坚波所举例子中/g)).toHaveLength(4);
    expect(all).toContain('梯队分布：示范引领6个、快速崛起11个、后发追赶10个、孕育起步4个');
    // Six or fewer stay one line each.
    expect(ask('compare hebei henan').card.sections[0].fields).toHaveLength(2);
  });

  it('asks which Shanxi is meant, with a button for each', () => {
    const a = ask('Shanxi');
    expect(a.card.sections[0].text).toBe('"Shanxi" can mean Shanxi (山西) or Shaanxi (陕西). Pick one:');
    expect(a.card.actions.map((x) => x.command)).toEqual(['region shanxi --lang en', 'region shaanxi --lang en']);
    expect(ask(a.card.actions[1].command).regionIds).toEqual(['shaanxi']);
    const c = ask('compare shanxi and hubei');
    expect(c.card.actions.map((x) => x.command)).toEqual(['compare hubei shanxi --lang en', 'compare hubei shaanxi --lang en']);
  });

  it('says Hong Kong, Macao and Taiwan are not among the article\'s 31 regions, and what is general knowledge', () => {
    expect(textOf(ask('香港').card)).toContain('文章说的是“我国31个省（市、区）”，香港不在其中，文章没有相关数据。（一般常识：');
    expect(textOf(ask('hong kong and macau').card)).toContain("Not among the article's 31 provincial-level regions (省、市、区) of China: Hong Kong, Macao. The article gives no data there. (General knowledge:");
  });

  it('gives the report metadata on the about card', () => {
    const t = textOf(ask('来源').card);
    for (const s of ['2021-11-21', '2021中国5G+工业互联网大会', '刘茜', '胡坚波', '赵志国', '30个指标']) expect(t).toContain(s);
  });
});

describe('every card', () => {
  it('has a title, a source and buttons whose commands are understood', () => {
    for (const a of allAnswers()) {
      expect(a.card.title.length).toBeGreaterThan(0);
      expect(a.card.source).toBeTruthy();
      for (const action of a.card.actions) {
        expect(['unknown', 'help']).not.toContain(handle({ text: action.command, platform: 'cli' }).intent);
      }
    }
  });
});
