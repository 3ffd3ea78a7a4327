import { tierAnswer } from './cards.js';
import { groupings, regionById, report, tierById, tierOf } from './data.js';
import { join, MESSAGES, paren, regionName, regionTitle } from './i18n.js';
import type { Answer, CardImage, Lang, LegendEntry } from './types.js';

/**
 * Which picture an answer carries, with its words (title, legend, alt text), chosen from the answer's
 * intent and ids. Pure data: src/pictures draws it, adapters upload it. The card's own text already
 * says everything a picture shows, so a client without images loses nothing.
 */

/** Tier colours, warm to cool like the Feishu header templates (red, orange, turquoise, green). */
export const TIER_COLORS: Record<string, string> = {
  leading: '#d64541',
  rising: '#f08c2e',
  'catching-up': '#26a69a',
  nascent: '#8bc34a',
};
/** Hong Kong, Macao and Taiwan: on the map, not among the article's 31 regions. */
export const NOT_COVERED_COLOR = '#c8c8c8';

export const PICTURE_TEXT = {
  zh: {
    mapTitle: '工业互联网发展四大梯队分布',
    barsTitle: '四大梯队各有几个地区',
    regionTitle: (region: string, tier: string) => `${region}：${tier}梯队`,
    tierTitle: (tier: string, n: number) => `${tier}梯队（${n}个地区）`,
    notCovered: '港澳台：不在31个省（市、区）中',
    caption: '示意图：省界数据取自 Apache ECharts 的中国地图，并非经官方审核的标准地图',
    islands: '南海诸岛',
    regions: '地区数量',
    mapAlt: (tiers: string, highlight: string) =>
      `中国31个省级地区按梯队着色的示意图${highlight}。${tiers}。香港、澳门、台湾为灰色，不在文章所说的31个省（市、区）中。`,
    highlight: (names: string) => `，突出显示${names}`,
    tierAlt: (tier: string, n: number, members: string) => `${tier}${n}个：${members}`,
    barsAlt: (bars: string) => `柱状图：各梯队的地区数量，${bars}。`,
    bar: (tier: string, n: number) => `${tier}${n}个`,
    sep: '；',
  },
  en: {
    mapTitle: 'The four tiers of Industrial Internet development',
    barsTitle: 'Regions per tier',
    regionTitle: (region: string, tier: string) => `${region}: ${tier}`,
    tierTitle: (tier: string, n: number) => `${tier} (${n} regions)`,
    notCovered: 'Hong Kong, Macao, Taiwan: not among the 31 regions',
    caption: 'Schematic map: boundaries from Apache ECharts\' China map, not an officially reviewed map',
    islands: 'South China Sea Islands',
    regions: 'Regions',
    mapAlt: (tiers: string, highlight: string) =>
      `Schematic map of China's 31 provincial-level regions coloured by tier${highlight}. ${tiers}. Hong Kong, Macao and Taiwan are grey: not among the article's 31 regions.`,
    highlight: (names: string) => `, highlighting ${names}`,
    tierAlt: (tier: string, n: number, members: string) => `${tier}, ${n}: ${members}`,
    barsAlt: (bars: string) => `Bar chart of regions per tier: ${bars}.`,
    bar: (tier: string, n: number) => `${tier} ${n}`,
    sep: '; ',
  },
} satisfies Record<Lang, unknown>;

/** The map's and the bar chart's legend: each tier with its member count, then "not covered". */
export function legend(lang: Lang): LegendEntry[] {
  return [
    ...report.tiers.map((t) => ({ label: `${t[lang]}${paren(String(t.members.length), lang)}`, tierId: t.id, color: TIER_COLORS[t.id] })),
    { label: PICTURE_TEXT[lang].notCovered, color: NOT_COVERED_COLOR },
  ];
}

/** The same for every map, so built once per language: handle() stays a few microseconds. */
const perLang = <T>(build: (lang: Lang) => T): Record<Lang, T> => ({ zh: build('zh'), en: build('en') });
const LEGENDS = perLang(legend);
const TIERS_ALT = perLang((lang) => report.tiers
  .map((tier) => PICTURE_TEXT[lang].tierAlt(tier[lang], tier.members.length, join(tier.members.map((id) => regionName(id, lang)), lang)))
  .join(PICTURE_TEXT[lang].sep));

/**
 * The tier map, with `highlight` (region ids) standing out when given. Any set of regions works:
 * a region, a tier's members, a comparison, a grouping such as 长三角 (with any regions next to it).
 */
export function mapImage(lang: Lang, highlight?: string[], title = PICTURE_TEXT[lang].mapTitle): CardImage {
  const t = PICTURE_TEXT[lang];
  const shown = highlight?.filter((id) => regionById.has(id));
  const all = !shown || shown.length === 0 || shown.length === report.regions.length;
  return {
    picture: all ? { kind: 'map' } : { kind: 'map', highlight: [...new Set(shown)].sort() },
    title,
    alt: t.mapAlt(TIERS_ALT[lang], all ? '' : t.highlight(join(shown.map((id) => regionName(id, lang)), lang))),
    legend: LEGENDS[lang],
  };
}

export function barsImage(lang: Lang): CardImage {
  const t = PICTURE_TEXT[lang];
  return {
    picture: { kind: 'tier-bars' },
    title: t.barsTitle,
    alt: t.barsAlt(join(report.tiers.map((tier) => t.bar(tier[lang], tier.members.length)), lang)),
    legend: LEGENDS[lang].filter((e) => e.tierId),
  };
}

/** The picture an answer gets, if any: pictures where they say more than the card's numbers. */
export function pictureFor(a: Answer): CardImage | undefined {
  const t = PICTURE_TEXT[a.lang];
  switch (a.intent) {
    case 'map':
      return mapImage(a.lang);
    case 'region':
    case 'path': {
      // A region's card (or its path card): that region on the map. Path cards without a region get none.
      if (a.regionIds.length !== 1 || a.tierIds.length !== 1) return undefined;
      const id = a.regionIds[0];
      return mapImage(a.lang, [id], t.regionTitle(regionTitle(id, a.lang), tierById.get(tierOf.get(id)!.id)![a.lang]));
    }
    case 'tier': {
      if (a.tierIds.length === report.tiers.length) return barsImage(a.lang);
      const tiers = a.tierIds.map((id) => tierById.get(id)!);
      const title = tiers.length === 1 ? t.tierTitle(tiers[0][a.lang], tiers[0].members.length) : join(tiers.map((x) => x[a.lang]), a.lang);
      return mapImage(a.lang, a.regionIds, title);
    }
    case 'compare':
      return a.regionIds.length >= 2 ? mapImage(a.lang, a.regionIds, a.card.title) : undefined;
    case 'group':
      // A grouping (长三角), or groupings next to regions: their members highlighted. The list of every
      // grouping names no regions and gets none. Which regions make up a grouping is general
      // knowledge, not the article's: the picture says so, as it may be seen without its card.
      if (a.regionIds.length === 0) return undefined;
      return { ...mapImage(a.lang, a.regionIds, a.card.title), ...(a.groupIds.length > 0 ? { note: groupings.provenance[a.lang] } : {}) };
    default:
      return undefined;
  }
}

/**
 * Gives a newly built answer its picture, in place: handle() builds every answer afresh, and copying
 * it (and its card) again was a tenth of a direct lookup's time.
 */
export function withPicture(a: Answer): Answer {
  const image = pictureFor(a);
  if (image) a.card.image = image;
  return a;
}

/** `地图` / `map`: the four tiers as on the overview card, with the map, and what the map is not. */
export function mapAnswer(lang: Lang): Answer {
  const base = tierAnswer([], lang);
  const t = PICTURE_TEXT[lang];
  return {
    ...base,
    intent: 'map',
    card: {
      ...base.card,
      title: t.mapTitle,
      sections: [...base.card.sections, { text: `${t.notCovered}\n${t.caption}` }],
      source: MESSAGES[lang].source,
    },
  };
}
