import { metricById, pathById, personById, regionById, report, shortEnglishName, tierById } from './data.js';
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

/** A quoted person with the role the article gives: 工业互联网产业联盟秘书长胡坚波 / Hu Jianbo, Secretary-General of … */
export const personWithRole = (id: string, lang: Lang): string => {
  const p = personById.get(id)!;
  return lang === 'zh' ? `${p.role.zh}${p.zh}` : `${p.en}, ${p.role.en}`;
};
export const personName = (id: string, lang: Lang): string => personById.get(id)![lang];

export const join = (items: string[], lang: Lang): string => items.join(lang === 'zh' ? '、' : ', ');
export const paren = (s: string, lang: Lang): string => (lang === 'zh' ? `（${s}）` : ` (${s})`);
export const colon = (lang: Lang): string => (lang === 'zh' ? '：' : ': ');
export const quote = (s: string, lang: Lang): string => (lang === 'zh' ? `“${s}”` : `"${s}"`);

const r = report.report;
const src = report.source;
const tiersBy = report.statements.tiers.by;
const pathsBy = report.statements.paths.by;
const dims = (lang: Lang) => join(report.dimensions.map((d) => d[lang]), lang);

export const MESSAGES = {
  zh: {
    source: `来源：${src.publisher.zh}对《${r.title.zh}》的报道（${r.event.zh}，${src.date}发布）`,
    tier: '梯队',
    tierOf: (tier: string, size: number) => `${tier}（${size}个地区之一）`,
    tierTitle: (tier: string) => `${tier}梯队`,
    path: '建议的发展路径',
    noPath: (region: string) => `${personName(pathsBy, 'zh')}举的例子中没有${region}，文章没有为它建议路径`,
    noPathShort: `未建议路径（不在${personName(pathsBy, 'zh')}所举例子中）`,
    suggestedPath: (paths: string) => `建议路径：${paths}`,
    noPathFor: (regions: string) => `不在${personName(pathsBy, 'zh')}所举例子中：${regions}`,
    namedVia: (city: string, path: string, region: string) => `${city}：${path}（${personName(pathsBy, 'zh')}举的例子是${region}的城市${city}）`,
    suggestion: (examples: string, proposal: string) => `${personWithRole(pathsBy, 'zh')}建议，${examples}${proposal}。`,
    suggestionShort: (examples: string, proposal: string) => `${personName(pathsBy, 'zh')}建议，${examples}${proposal}。`,
    traits: '梯队特点',
    peers: '同梯队地区',
    peerPaths: `${personName(pathsBy, 'zh')}为同梯队地区举例建议的路径（仅供参考，并非对该地区的建议）`,
    via: (city: string, region: string) => `${city} → ${region}`,
    corrected: (typed: string, name: string) => `已按“${name}”查询（输入为“${typed}”）`,
    members: (n: number) => `${n}个地区`,
    allTiers: '四大梯队',
    allTiersIntro: `据${personWithRole(tiersBy, 'zh')}介绍，综合${dims('zh')}四个方面，我国${r.coverage.zh}在工业互联网发展上呈现差异化、特色化的发展形态，其中：`,
    tierCredit: `梯队划分与特点：据${personWithRole(tiersBy, 'zh')}介绍。`,
    tierWide: (region: string, note: string) => `就整个梯队而言（不是${region}自己的数据）：${note}`,
    pathCredit: `发展路径：${personName(pathsBy, 'zh')}的建议（“可以……”），他举的地区只是例子，并非完整名单。`,
    allPaths: '三条发展路径',
    pathsIntro: `三条发展路径是${personWithRole(pathsBy, 'zh')}的建议：各举几个地区为例（“以……为代表”“……等地”），并非完整名单，也没有为每个地区指定路径。`,
    namedRegions: '所举例子',
    profile: '这类地区的特点',
    approach: '做法',
    pathFor: (region: string) => `${region}的发展路径`,
    metrics: '核心数据',
    original: '原文',
    saidBy: {
      report: '出自《报告》', article: '文章所述，未注明出处', reporter: '21世纪经济报道记者梳理，不是《报告》的数据',
      person: (id: string) => `${personWithRole(id, 'zh')}向记者介绍`,
    },
    saidByHeading: {
      report: '《报告》显示', article: '文章所述（未注明出处）', reporter: '记者梳理（不是《报告》的数据）',
      person: (id: string) => `${personName(id, 'zh')}向记者介绍`,
    },
    compare: (names: string) => `对比：${names}`,
    sameTier: (tier: string) => `都属于“${tier}”梯队`,
    compareNeedsTwo: '对比需要至少两个地区，例如“北京和上海对比”。',
    tierMix: (mix: string) => `梯队分布：${mix}`,
    mixPart: (tier: string, n: number) => `${tier}${n}个`,
    groupings: '地区组合',
    alsoAsked: '另外问到的地区',
    outside: (names: string) => `${names}不在文章所说的“我国${r.coverage.zh}”之中，文章没有相关数据。`,
    definition: (text: string) => `口径：${text}`,
    notCoveredTitle: '不在文章的31个地区之中',
    notCovered: (names: string) => `文章说的是“我国${r.coverage.zh}”，${names}不在其中，文章没有相关数据。（一般常识：这31个是中国大陆的省级行政区。）`,
    ambiguousTitle: '您指的是哪个地区？',
    ambiguous: (typed: string) => `“${typed}”可以指山西（Shanxi）或陕西（Shaanxi）。请选择：`,
    choice: (n: number, label: string) => `${n}. ${label}`,
    unknownTitle: '没有找到答案',
    unknown: (echo: string) => (echo ? `没有理解“${echo}”。` : '没有理解这个问题。'),
    didYouMean: '您是不是想问：',
    helpTitle: '工业互联网报告助手',
    helpIntro: `我根据${src.publisher.zh}对《${r.title.zh}》的报道回答问题：地区所在梯队、建议的发展路径、核心数据、长三角等地区组合、地区对比，以及文章引述的人。`,
    example: '例',
    aboutTitle: `《${r.title.zh}》`,
    released: '发布',
    releasedValue: `${r.released}，${r.event.zh}`,
    headline: '文章标题',
    publisher: '报道',
    publisherValue: `${src.publisher.zh}记者${src.reporter.zh}、实习生${src.intern.zh}${src.dateline.zh}（经${src.via.zh}）`,
    method: '评价方法',
    methodValue: `《报告》从${metricById.get('indicators')!.value.zh}评价`,
    whoSaysWhat: '谁说了什么',
    hisPart: '介绍四个梯队，建议三条发展路径（“可以……”）',
    toldReporter: (figures: string) => `向记者介绍${figures}`,
    unnamedPublisher: `文章没有说《报告》由谁编制或发布，只说它于${r.released}在${r.event.zh}上发布。`,
    noRanking: '文章没有给梯队内的地区排名，也没有给出各地区的发展指数或其他分地区的数字。文章说的是：',
    noRegionFigure: (region: string, figures: string) => `文章没有给出${region}自己的${figures}，只有全国的数字：`,
    indicatorsIntro: (n: number) => `文章没有列出《报告》的${n}个指标；介绍梯队时提到了下面这些指标：`,
    indicatorsTitle: '文章提到的指标',
    personSaid: '文章引述的话',
    personAlso: '文章中还有',
    personDescribes: { tiers: '介绍了四个梯队', paths: '建议了三条发展路径（“可以……”）' },
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
      groupings: '地区组合',
    },
  },
  en: {
    source: `Source: "${r.title.en}" (released ${src.date} at the ${r.event.en}), as reported by the ${src.publisher.en}`,
    tier: 'Tier',
    tierOf: (tier: string, size: number) => `${tier} (one of ${size})`,
    tierTitle: (tier: string) => `Tier: ${tier}`,
    path: 'Suggested path',
    noPath: (region: string) => `None suggested: ${personName(pathsBy, 'en')}'s examples do not include ${region}`,
    noPathShort: `no path suggested (not among ${personName(pathsBy, 'en')}'s examples)`,
    suggestedPath: (paths: string) => `suggested: ${paths}`,
    noPathFor: (regions: string) => `Not among ${personName(pathsBy, 'en')}'s examples: ${regions}`,
    namedVia: (city: string, path: string, region: string) => `${city}: ${path} (${personName(pathsBy, 'en')}'s example is the city of ${city}, in ${region})`,
    suggestion: (examples: string, proposal: string) => `Suggested by ${personWithRole(pathsBy, 'en')}: ${examples} ${proposal}.`,
    suggestionShort: (examples: string, proposal: string) => `Suggested by ${personName(pathsBy, 'en')}: ${examples} ${proposal}.`,
    traits: 'Tier traits',
    peers: 'Tier peers',
    peerPaths: `Paths ${personName(pathsBy, 'en')} suggested for tier peers he gave as examples (for reference; not a suggestion for this region)`,
    via: (city: string, region: string) => `${city} → ${region}`,
    corrected: (typed: string, name: string) => `Showing ${name} (you typed "${typed}")`,
    members: (n: number) => (n === 1 ? '1 region' : `${n} regions`),
    allTiers: 'The four tiers',
    allTiersIntro: `As ${personWithRole(tiersBy, 'en')}, describes them: across four dimensions (${dims('en')}), China's ${r.coverage.en} show differentiated, distinctive Industrial Internet development; among them:`,
    tierCredit: `Tiers and their traits: as ${personWithRole(tiersBy, 'en')}, describes them.`,
    tierWide: (region: string, note: string) => `For the tier as a whole (not ${region}'s own figure): ${note}`,
    pathCredit: `Paths: ${personName(pathsBy, 'en')}'s suggestions ("could …"); the places he names are examples, not a complete list.`,
    allPaths: 'The three development paths',
    pathsIntro: `The three development paths are suggestions by ${personWithRole(pathsBy, 'en')}, each with example places ("such as"); the examples are not a complete list, and not every region is given a path.`,
    namedRegions: 'Examples given',
    profile: 'What such places are like',
    approach: 'Approach',
    pathFor: (region: string) => `Development path: ${region}`,
    metrics: 'Headline figures',
    original: 'Original',
    saidBy: {
      report: 'From the report', article: 'Stated by the article, not attributed to the report', reporter: "The reporter's own count, not the report's",
      person: (id: string) => `${personWithRole(id, 'en')}, told the reporter`,
    },
    saidByHeading: {
      report: 'From the report', article: 'Stated by the article (no source given)', reporter: "The reporter's own count (not from the report)",
      person: (id: string) => `${personName(id, 'en')} told the reporter`,
    },
    compare: (names: string) => `Comparison: ${names}`,
    sameTier: (tier: string) => `All in the "${tier}" tier`,
    compareNeedsTwo: 'A comparison needs two or more regions, e.g. "compare Beijing and Shanghai".',
    tierMix: (mix: string) => `Tier mix: ${mix}`,
    mixPart: (tier: string, n: number) => `${tier} ${n}`,
    groupings: 'Regional groupings',
    alsoAsked: 'Also asked about',
    outside: (names: string) => `${names}: not among the article's ${r.coverage.en}; it gives no data for them.`,
    definition: (text: string) => `Definition used: ${text}`,
    notCoveredTitle: "Not among the article's 31 regions",
    notCovered: (names: string) => `Not among the article's ${r.coverage.en} of China: ${names}. The article gives no data there. (General knowledge: the 31 are the provincial-level regions of the mainland.)`,
    ambiguousTitle: 'Which region do you mean?',
    ambiguous: (typed: string) => `"${typed}" can mean Shanxi (山西) or Shaanxi (陕西). Pick one:`,
    choice: (n: number, label: string) => `${n}. ${label}`,
    unknownTitle: "Sorry, I didn't get that",
    unknown: (echo: string) => (echo ? `I couldn't match "${echo}" to anything in the report.` : "I couldn't understand the question."),
    didYouMean: 'Did you mean:',
    helpTitle: 'Industrial Internet report bot',
    helpIntro: `I answer from the ${src.publisher.en}'s article on the "${r.title.en}": a region's tier, the development paths suggested for places like it, the headline figures, groupings such as the Yangtze River Delta, comparisons, and the people it quotes.`,
    example: 'e.g.',
    aboutTitle: r.title.en,
    released: 'Released',
    releasedValue: `${r.released}, ${r.event.en}`,
    headline: 'Article headline',
    publisher: 'Reported by',
    publisherValue: `${src.publisher.en}: reporter ${src.reporter.en}, intern ${src.intern.en}, ${src.dateline.en} (via ${src.via.en})`,
    method: 'Method',
    methodValue: `The report evaluates on ${metricById.get('indicators')!.value.en}`,
    whoSaysWhat: 'Who says what',
    hisPart: 'describes the four tiers and suggests the three paths ("could …")',
    toldReporter: (figures: string) => `told the reporter the ${figures}`,
    unnamedPublisher: `The article does not say who compiled or published the report; it says only that the report was released at the ${r.event.en} on ${r.released}.`,
    noRanking: 'The article ranks no region within its tier, and gives no development index or other figure per region. What it does say:',
    noRegionFigure: (region: string, figures: string) => `The article gives no ${figures} of ${region}'s own, only the national figure:`,
    indicatorsIntro: (n: number) => `The article does not list the report's ${n} indicators; describing the tiers, it names these:`,
    indicatorsTitle: 'Indicators the article names',
    personSaid: 'In their words',
    personAlso: 'Also in the article',
    personDescribes: { tiers: 'describes the four tiers', paths: 'suggests the three development paths ("could …")' },
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
      groupings: 'Regional groupings',
    },
  },
} satisfies Record<Lang, unknown>;

export type Messages = (typeof MESSAGES)['zh'];
