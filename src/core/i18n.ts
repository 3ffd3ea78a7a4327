import { metricById, pathById, regionById, report, shortEnglishName, tierById } from './data.js';
import type { Lang } from './types.js';

/** Display names and the fixed wording of cards, in both languages. Facts come from data/, never from here. */

export const regionName = (id: string, lang: Lang): string => {
  const r = regionById.get(id)!;
  return lang === 'zh' ? r.zh : r.en;
};
/** A region as a card names it: 湖北 in Chinese, `Hubei 湖北` in English. */
export const regionTitle = (id: string, lang: Lang): string => {
  const r = regionById.get(id)!;
  return lang === 'zh' ? r.zh : `${shortEnglishName(r)} ${r.zh}`;
};
export const tierName = (id: string, lang: Lang): string => tierById.get(id)![lang];
export const pathName = (id: string, lang: Lang): string => pathById.get(id)![lang];
export const metricLabel = (id: string, lang: Lang): string => metricById.get(id)!.label[lang];

export const join = (items: string[], lang: Lang): string => items.join(lang === 'zh' ? '、' : ', ');
export const paren = (s: string, lang: Lang): string => (lang === 'zh' ? `（${s}）` : ` (${s})`);
export const colon = (lang: Lang): string => (lang === 'zh' ? '：' : ': ');
export const quote = (s: string, lang: Lang): string => (lang === 'zh' ? `“${s}”` : `"${s}"`);

const r = report.report;
const src = report.source;

export const MESSAGES = {
  zh: {
    source: `来源：${src.publisher.zh}对《${r.title.zh}》的报道（${r.event.zh}，${src.date}发布）`,
    tier: '梯队',
    tierOf: (tier: string, size: number) => `${tier}（${size}个地区之一）`,
    tierTitle: (tier: string) => `${tier}梯队`,
    path: '发展路径',
    noPath: (region: string) => `报告未点名${region}的发展路径`,
    namedVia: (city: string, path: string) => `${city}：${path}（报告点名的是城市${city}）`,
    traits: '梯队特点',
    peers: '同梯队地区',
    peerPaths: '同梯队地区被点名的路径（仅供参考，并非该地区的路径）',
    via: (city: string, region: string) => `${city} → ${region}`,
    corrected: (typed: string, name: string) => `已按“${name}”查询（输入为“${typed}”）`,
    members: (n: number) => `${n}个地区`,
    allTiers: '四大梯队',
    allTiersIntro: `报告将${r.coverage.zh}分为四个梯队：`,
    allPaths: '三条发展路径',
    pathsIntro: '报告以部分地区为例点名了三条发展路径，并非为每个地区指定路径。',
    namedRegions: '报告点名的地区',
    profile: '地区特点',
    approach: '做法',
    pathFor: (region: string) => `${region}的发展路径`,
    metrics: '核心数据',
    original: '原文',
    compare: (names: string) => `对比：${names}`,
    sameTier: (tier: string) => `都属于“${tier}”梯队`,
    compareNeedsTwo: '对比需要至少两个地区，例如“北京和上海对比”。',
    notCoveredTitle: '不在报告范围内',
    notCovered: (names: string) => `报告评估的是中国大陆${r.coverage.zh}，不包括${names}，所以没有相关数据。`,
    ambiguousTitle: '您指的是哪个地区？',
    ambiguous: (typed: string) => `“${typed}”可以指山西（Shanxi）或陕西（Shaanxi）。请选择：`,
    unknownTitle: '没有找到答案',
    unknown: (echo: string) => (echo ? `没有理解“${echo}”。` : '没有理解这个问题。'),
    didYouMean: '您是不是想问：',
    helpTitle: '工业互联网报告助手',
    helpIntro: `我根据《${r.title.zh}》回答问题：地区所在梯队、报告点名的发展路径、核心数据和地区对比。`,
    example: '例',
    aboutTitle: `《${r.title.zh}》`,
    released: '发布',
    releasedValue: `${r.released}，${r.event.zh}（${r.city.zh}）`,
    publisher: '报道',
    publisherValue: `${src.publisher.zh}记者${src.reporter.zh}、实习生${src.intern.zh}（经${src.via.zh}）`,
    method: '评价方法',
    methodValue: (dims: string) => `从${dims}四个方面的${report.indicatorCount}个指标评价`,
    quotes: '观点',
    overviewTitle: '中国工业互联网发展成效评估报告',
    howToAsk: '怎么提问',
    buttons: {
      tier: (t: string) => `梯队：${t}`,
      path: (p: string) => `路径：${p}`,
      peers: '对比同梯队',
      metrics: '核心数据',
      tiers: '四大梯队',
      paths: '发展路径',
      about: '报告来源',
    },
  },
  en: {
    source: `Source: "${r.title.en}" (released ${src.date} at the ${r.event.en}), as reported by the ${src.publisher.en}`,
    tier: 'Tier',
    tierOf: (tier: string, size: number) => `${tier} (one of ${size})`,
    tierTitle: (tier: string) => `Tier: ${tier}`,
    path: 'Development path',
    noPath: (region: string) => `The report names no development path for ${region}`,
    namedVia: (city: string, path: string) => `${city}: ${path} (the report names the city of ${city})`,
    traits: 'Tier traits',
    peers: 'Tier peers',
    peerPaths: 'Paths the report names for tier peers (for reference; not this region\'s path)',
    via: (city: string, region: string) => `${city} → ${region}`,
    corrected: (typed: string, name: string) => `Showing ${name} (you typed "${typed}")`,
    members: (n: number) => `${n} regions`,
    allTiers: 'The four tiers',
    allTiersIntro: `The report sorts the ${r.coverage.en} into four tiers:`,
    allPaths: 'The three development paths',
    pathsIntro: 'The report names three development paths, each with example regions; it does not give every region a path.',
    namedRegions: 'Regions the report names',
    profile: 'Profile',
    approach: 'Approach',
    pathFor: (region: string) => `Development path: ${region}`,
    metrics: 'Headline figures',
    original: 'Original',
    compare: (names: string) => `Comparison: ${names}`,
    sameTier: (tier: string) => `All in the "${tier}" tier`,
    compareNeedsTwo: 'A comparison needs two or more regions, e.g. "compare Beijing and Shanghai".',
    notCoveredTitle: 'Not covered by the report',
    notCovered: (names: string) => `The report evaluates the ${r.coverage.en}; it does not cover ${names}, so it has no data there.`,
    ambiguousTitle: 'Which region do you mean?',
    ambiguous: (typed: string) => `"${typed}" can mean Shanxi (山西) or Shaanxi (陕西). Pick one:`,
    unknownTitle: "Sorry, I didn't get that",
    unknown: (echo: string) => (echo ? `I couldn't match "${echo}" to anything in the report.` : "I couldn't understand the question."),
    didYouMean: 'Did you mean:',
    helpTitle: 'Industrial Internet report bot',
    helpIntro: `I answer from the "${r.title.en}": a region's tier, the development paths the report names, the headline figures, and comparisons.`,
    example: 'e.g.',
    aboutTitle: r.title.en,
    released: 'Released',
    releasedValue: `${r.released}, ${r.event.en} (${r.city.en})`,
    publisher: 'Reported by',
    publisherValue: `${src.publisher.en}: reporter ${src.reporter.en}, intern ${src.intern.en} (via ${src.via.en})`,
    method: 'Method',
    methodValue: (dims: string) => `${report.indicatorCount} indicators in four dimensions: ${dims}`,
    quotes: 'Quotes',
    overviewTitle: r.title.en,
    howToAsk: 'How to ask',
    buttons: {
      tier: (t: string) => `Tier: ${t}`,
      path: (p: string) => `Path: ${p}`,
      peers: 'Compare tier peers',
      metrics: 'Headline figures',
      tiers: 'The four tiers',
      paths: 'Development paths',
      about: 'About the report',
    },
  },
} satisfies Record<Lang, unknown>;

export type Messages = (typeof MESSAGES)['zh'];
