import {
  aboutAnswer, ambiguousAnswer, answer, button, compareAnswer, creditSection, groupAnswer, groupListAnswer, helpAnswer,
  metricsAnswer, pathAnswer, pathLine, regionAnswer, regionPathAnswer, speakers, tierAnswer,
} from './cards.js';
import { groupingById, metricById, pathById, pathsNamedFor, regionById, report, tierById, tierOf, type Tier } from './data.js';
import type { FollowUp } from './followup.js';
import { colon, join, MESSAGES, metricLabel, pathName, regionName } from './i18n.js';
import { parse, type Query, type RegionRef } from './parse.js';
import { mapAnswer, mapImage, PICTURE_TEXT, withPicture } from './pictures.js';
import type { Answer, CardField, ConversationContext, FollowUpAsk, Intent, Lang, Tone, Turn } from './types.js';

/**
 * Answering a follow-up from the conversation's context: what is under discussion (a region, a set of
 * regions, a tier, a path …) and what was last asked of it. Pure, like the rest of the core.
 */

/** The standalone answer to a question, as handle.ts gives it (passed in: handle.ts imports this module). */
export type Standalone = (query: Query, context?: ConversationContext) => Turn;

const TEXT = {
  zh: {
    followingUp: (what: string) => `接上文：${what}`,
    noContext: '这句话是接着上一个问题问的，但这里还没有上一个问题。请说出地区，例如“江苏的发展路径”或“对比四川和重庆”。',
    nothingLeft: '去掉之后就没有地区了。请说出要看的地区，例如“湖北”。',
    regions: (names: string, n: number) => `${names}等${n}个地区`,
    tierSuffix: '梯队',
    highest: (names: string) => `梯队最靠前：${names}`,
    lowest: (names: string) => `梯队最靠后：${names}`,
    tie: (names: string, tier: string) => `${names}同在“${tier}”梯队；文章没有在梯队内部给地区排先后，所以并列。`,
    byTier: (tiers: string) => `按梯队先后排列（${tiers}）；文章没有给出单个地区的得分或名次。`,
    withPath: (names: string) => `有建议路径的：${names}`,
    noneWithPath: '其中没有建议路径的地区',
    why: (path: string) => `为什么建议“${path}”`,
    whyMany: '建议这些路径的理由',
    whyNoPath: '没有建议的路径，也就没有理由',
    whyRanked: (names: string) => `为什么是${names}`,
    rankedBy: (names: string, tier: string, ask: 'strongest' | 'weakest') =>
      `文章只按梯队排先后：${names}在“${tier}”梯队，是上文这些地区中梯队最${ask === 'strongest' ? '靠前' : '靠后'}的。文章介绍了这个梯队的特点，没有解释单个地区为什么在这个梯队。`,
    reason: '理由（这类地区的特点）',
    notExplained: '文章只为建议的路径给出理由（所举地区的特点），没有解释单个地区为什么在某个梯队。',
    mapTitle: (what: string) => `地图：${what}`,
    nationalOnly: (what: string) => `文章的核心数据是全国层面的，没有${what}的单独数据。`,
  },
  en: {
    followingUp: (what: string) => `Following up on: ${what}`,
    noContext: 'That follows up on an earlier question, but there is none here yet. Name the places, e.g. "path for Jiangsu" or "compare Sichuan and Chongqing".',
    nothingLeft: 'Nothing is left once those are taken out. Name the places to look at, e.g. "Hubei".',
    regions: (names: string, n: number) => `${names} … (${n} regions)`,
    tierSuffix: ' tier',
    highest: (names: string) => `Highest tier: ${names}`,
    lowest: (names: string) => `Lowest tier: ${names}`,
    tie: (names: string, tier: string) => `${names} are all in the "${tier}" tier; the article ranks no region within a tier, so they are tied.`,
    byTier: (tiers: string) => `Ordered by tier (${tiers}); the article gives no score or rank for a single region.`,
    withPath: (names: string) => `With a suggested path: ${names}`,
    noneWithPath: 'None of them has a suggested path',
    why: (path: string) => `Why "${path}"`,
    whyMany: 'Why these paths',
    whyNoPath: 'No suggested path, so no reason given',
    whyRanked: (names: string) => `Why ${names}`,
    rankedBy: (names: string, tier: string, ask: 'strongest' | 'weakest') =>
      `The article orders regions only by tier: ${names} ${names.includes(',') ? 'are' : 'is'} in the "${tier}" tier, the ${ask === 'strongest' ? 'highest' : 'lowest'} of those under discussion. It describes the tier's traits; it does not say why a region is in its tier.`,
    reason: 'The reason: what such places are like',
    notExplained: 'The article gives reasons only for its suggested paths (what the example places are like); it does not say why a region is in its tier.',
    mapTitle: (what: string) => `Map: ${what}`,
    nationalOnly: (what: string) => `The article's figures are national: it gives none for ${what} alone.`,
  },
} satisfies Record<Lang, unknown>;

const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];
const refsOf = (ids: string[]): RegionRef[] => ids.map((id) => ({ id }));
const names = (ids: string[], lang: Lang): string => join(ids.map((id) => regionName(id, lang)), lang);

/** What the next question may refer back to: the answer's ids, not its words. */
export function contextOf(a: Answer, ask?: FollowUpAsk): ConversationContext | undefined {
  if (a.intent === 'help' || a.intent === 'unknown' || a.intent === 'not-covered') return undefined;
  const { intent, lang, regionIds, groupIds, tierIds, strategyIds, metricIds } = a;
  return { intent, lang, regionIds, groupIds, tierIds, strategyIds, metricIds, ...(ask ? { ask } : {}) };
}

const ASKS = new Set<FollowUpAsk>(['about', 'path', 'tier', 'peers', 'metrics', 'map', 'strongest', 'weakest', 'with-path', 'why', 'why-strongest', 'why-weakest']);

/**
 * A stored context as the core can trust it: it comes back from the store as JSON, possibly written by
 * an older version, so only known ids are kept (and a bounded number of them).
 */
export function checkContext(raw: unknown): ConversationContext | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const c = raw as Record<string, unknown>;
  const known = (v: unknown, ids: Map<string, unknown>): string[] =>
    Array.isArray(v) ? uniq(v.filter((x): x is string => typeof x === 'string' && ids.has(x))).slice(0, 64) : [];
  if (typeof c.intent !== 'string' || (c.lang !== 'zh' && c.lang !== 'en')) return undefined;
  const checked: ConversationContext = {
    intent: c.intent as Intent,
    lang: c.lang,
    regionIds: known(c.regionIds, regionById),
    groupIds: known(c.groupIds, groupingById),
    tierIds: known(c.tierIds, tierById),
    strategyIds: known(c.strategyIds, pathById),
    metricIds: known(c.metricIds, metricById),
    ...(ASKS.has(c.ask as FollowUpAsk) ? { ask: c.ask as FollowUpAsk } : {}),
  };
  const about = [checked.regionIds, checked.groupIds, checked.tierIds, checked.strategyIds, checked.metricIds].some((ids) => ids.length > 0);
  return about || checked.intent === 'about' ? checked : undefined;
}

/** What is under discussion, in a few words: `湖北`, `京津冀`, `快速崛起梯队`, `北京、上海等8个地区`. */
export function describe(c: ConversationContext, lang: Lang): string {
  const m = MESSAGES[lang];
  const t = TEXT[lang];
  if (c.intent === 'group' && c.groupIds.length > 0 && c.regionIds.length > 0) {
    const members = new Set(c.groupIds.flatMap((id) => groupingById.get(id)!.members));
    return join([...c.groupIds.map((id) => groupingById.get(id)![lang]), ...c.regionIds.filter((id) => !members.has(id)).map((id) => regionName(id, lang))], lang);
  }
  if (c.intent === 'tier' && c.tierIds.length > 0) {
    return c.tierIds.length === report.tiers.length ? m.allTiers : join(c.tierIds.map((id) => `${tierById.get(id)![lang]}${t.tierSuffix}`), lang);
  }
  if (c.intent === 'path' && c.strategyIds.length > 0 && c.regionIds.length !== 1) {
    return c.strategyIds.length === report.paths.length ? m.allPaths : join(c.strategyIds.map((id) => pathName(id, lang)), lang);
  }
  if (c.intent === 'metrics') return c.metricIds.length === 1 ? metricLabel(c.metricIds[0], lang) : m.metrics;
  if (c.intent === 'about') return m.aboutTitle;
  if (c.regionIds.length === report.regions.length) return m.members(c.regionIds.length);
  if (c.regionIds.length > 4) return t.regions(names(c.regionIds.slice(0, 3), lang), c.regionIds.length);
  if (c.regionIds.length > 0) return names(c.regionIds, lang);
  if (c.tierIds.length > 0) return join(c.tierIds.map((id) => tierById.get(id)![lang]), lang);
  return m.metrics;
}

/**
 * The answer to a follow-up, with the context to keep. Without a context, a follow-up that cannot stand
 * alone says so; one that can (`路径呢`, `地图`, `那湖南呢`) is answered as the standalone question it is.
 */
export function answerFollowUp(fu: FollowUp, query: Query, stored: ConversationContext | undefined, standalone: Standalone): Turn {
  const c = checkContext(stored);
  const lang = fu.kind === 'lang' ? fu.lang : query.lang;
  if (!c) {
    if (fu.kind === 'subject') return standalone(query);
    if (fu.kind === 'ask' && !fu.refersBack) {
      const turn = standalone(query);
      if (turn.answer.intent !== 'unknown' && turn.answer.intent !== 'help') return turn;
    }
    return { answer: helpAnswer(lang, TEXT[lang].noContext) };
  }
  const turn = followUpTurn(fu, query, c, lang, standalone);
  if (!turn) return standalone(query, stored);
  const { answer: a, context } = turn;
  if (!a.card.image) withPicture(a);
  a.card.followUp = TEXT[lang].followingUp(describe(c, lang));
  return { answer: a, context: context ?? c };
}

function followUpTurn(fu: FollowUp, query: Query, c: ConversationContext, lang: Lang, standalone: Standalone): Turn | undefined {
  switch (fu.kind) {
    case 'lang':
      return { answer: c.ask ? askAnswer(c.ask, c, lang) : subjectAnswer(c, lang), context: { ...c, lang } };
    case 'edit': {
      const a = editAnswer(fu.op, fu.target, c, lang);
      return { answer: a, context: contextOf(a) };
    }
    case 'subject': {
      // `那湖南呢` keeps the frame (a path, a question over a set) when it names only places of its own.
      const { target } = fu;
      const frame = c.ask && c.ask !== 'about' ? c.ask : c.intent === 'path' && c.regionIds.length === 1 ? 'path' : c.intent === 'map' ? 'map' : undefined;
      if (!frame || target.keywords.size > 0 || target.command || target.paths.length > 0 || target.metrics.length > 0) return undefined;
      const subject = contextOf(standalone(target).answer);
      // A question over a set (`哪个最强`) says nothing of one region: that region is a question of its own.
      const setQuestion = ['strongest', 'weakest', 'with-path', 'why-strongest', 'why-weakest'].includes(frame);
      if (!subject || subject.regionIds.length < (setQuestion ? 2 : 1)) return undefined;
      return askTurn(frame, subject, lang);
    }
    case 'ask':
      // `哪个最强` after one region is not about that region: the ranking question it is on its own.
      if ((fu.ask === 'strongest' || fu.ask === 'weakest') && c.regionIds.length < 2) return undefined;
      return askTurn(fu.ask, c, lang);
  }
}

function askTurn(asked: FollowUpAsk, c: ConversationContext, lang: Lang): Turn {
  // `why` right after `哪个最强` asks why those: by tier, not a path.
  const ask = asked === 'why' && (c.ask === 'strongest' || c.ask === 'weakest') ? (`why-${c.ask}` as const) : asked;
  const a = askAnswer(ask, c, lang);
  // Peers become what is under discussion; other questions leave it as it was, so they can follow one another.
  if (ask === 'peers') return { answer: a, context: contextOf(a, 'peers') };
  const { ask: _asked, ...subject } = c;
  return { answer: a, context: { ...subject, lang, ...(ask === 'about' ? {} : { ask }) } };
}

/** The answer to the question that put the subject under discussion, asked again (another language, `它呢`). */
function subjectAnswer(c: ConversationContext, lang: Lang): Answer {
  const refs = refsOf(c.regionIds);
  switch (c.intent) {
    case 'region':
      if (refs.length === 1) return regionAnswer(refs[0], lang);
      break;
    case 'path':
      if (refs.length === 1 && c.tierIds.length === 1) return regionPathAnswer(refs[0], lang);
      if (c.strategyIds.length > 0) return pathAnswer(c.strategyIds, lang);
      break;
    case 'tier':
      return tierAnswer(c.tierIds, lang);
    case 'metrics':
      return metricsAnswer(c.metricIds.length === report.metrics.length ? [] : c.metricIds, lang);
    case 'group':
      if (c.groupIds.length > 0 && refs.length === 0) return groupListAnswer(lang);
      if (c.groupIds.length > 0) return groupAnswer(c.groupIds, outsideGroups(c.groupIds, refs), lang);
      break;
    case 'map':
      return mapOf(c, lang);
    case 'about':
      return aboutAnswer(lang);
    case 'ambiguous':
      if (refs.length > 0) return ambiguousAnswer(parse(regionById.get(refs[0].id)!.pinyin, lang));
      break;
  }
  // Any other intent (newer ones included): by what it is about.
  if (refs.length >= 2) return compareAnswer(refs, lang);
  if (refs.length === 1) return regionAnswer(refs[0], lang);
  if (c.tierIds.length > 0) return tierAnswer(c.tierIds, lang);
  if (c.strategyIds.length > 0) return pathAnswer(c.strategyIds, lang);
  return metricsAnswer(c.metricIds.length === report.metrics.length ? [] : c.metricIds, lang);
}

const outsideGroups = (groupIds: string[], refs: RegionRef[]): RegionRef[] => {
  const members = new Set(groupIds.flatMap((id) => groupingById.get(id)!.members));
  return refs.filter((r) => !members.has(r.id));
};

function askAnswer(ask: FollowUpAsk, c: ConversationContext, lang: Lang): Answer {
  const ids = c.regionIds;
  switch (ask) {
    case 'about':
      return subjectAnswer(c, lang);
    case 'path':
      if (ids.length === 1) return regionPathAnswer({ id: ids[0] }, lang);
      if (ids.length > 1 && !(c.intent === 'path' && c.strategyIds.length > 0)) return withPathAnswer(c, lang);
      return pathAnswer(c.strategyIds, lang);
    case 'tier':
      if (ids.length === 0 || c.intent === 'tier') return tierAnswer(c.tierIds, lang);
      if (c.intent === 'group' && c.groupIds.length > 0) return subjectAnswer(c, lang);
      return ids.length === 1 ? regionAnswer({ id: ids[0] }, lang) : compareAnswer(refsOf(ids), lang);
    case 'peers': {
      const tiers = uniq([...c.tierIds, ...ids.map((id) => tierOf.get(id)!.id)]);
      return tiers.length === 1 ? compareAnswer(refsOf(tierById.get(tiers[0])!.members), lang) : tierAnswer(tiers, lang);
    }
    case 'metrics': {
      if (c.intent === 'metrics') return subjectAnswer(c, lang);
      const a = metricsAnswer([], lang);
      if (ids.length > 0) a.card.sections.unshift({ text: TEXT[lang].nationalOnly(describe(c, lang)) });
      return a;
    }
    case 'map':
      return mapOf(c, lang);
    case 'strongest':
    case 'weakest':
      return ids.length > 0 ? rankAnswer(ask, c, lang) : subjectAnswer(c, lang);
    case 'with-path':
      return ids.length > 0 ? withPathAnswer(c, lang) : pathAnswer(c.strategyIds, lang);
    case 'why':
      return whyAnswer(c, lang);
    case 'why-strongest':
    case 'why-weakest':
      return ids.length > 0 ? rankReasonAnswer(ask === 'why-strongest' ? 'strongest' : 'weakest', c, lang) : whyAnswer(c, lang);
  }
}

/** `再加上陕西`, `without Hebei`: the set under discussion, edited; a grouping stays one while it is whole. */
function editAnswer(op: 'add' | 'remove', target: Query, c: ConversationContext, lang: Lang): Answer {
  const groups = c.regionIds.length > 0 ? c.groupIds : [];
  if (op === 'add') {
    const allGroups = uniq([...groups, ...target.groups]);
    const refs = [...refsOf(c.regionIds), ...target.regions].filter((r, i, all) => all.findIndex((x) => x.id === r.id) === i);
    return allGroups.length > 0 ? groupAnswer(allGroups, outsideGroups(allGroups, refs), lang) : setAnswer(refs, lang);
  }
  const removed = new Set([...target.groups.flatMap((id) => groupingById.get(id)!.members), ...target.regions.map((r) => r.id)]);
  const kept = groups.filter((id) => !target.groups.includes(id) && !groupingById.get(id)!.members.some((m) => removed.has(m)));
  const left = refsOf(c.regionIds.filter((id) => !removed.has(id)));
  if (kept.length > 0 && kept.length === groups.length) return groupAnswer(kept, outsideGroups(kept, left), lang);
  return setAnswer(left, lang);
}

function setAnswer(refs: RegionRef[], lang: Lang): Answer {
  if (refs.length === 0) return helpAnswer(lang, TEXT[lang].nothingLeft);
  return refs.length === 1 ? regionAnswer(refs[0], lang) : compareAnswer(refs, lang);
}

/** The tiers a set of regions spans, in the report's order, each with its members from the set. */
function tiersOf(ids: string[]): [Tier, string[]][] {
  return report.tiers.map((t) => [t, ids.filter((id) => tierOf.get(id) === t)] as [Tier, string[]]).filter(([, inTier]) => inTier.length > 0);
}

const tierFields = (ids: string[], lang: Lang): CardField[] => tiersOf(ids).map(([t, inTier]) => ({ label: t[lang], value: names(inTier, lang) }));

/**
 * `哪个最强`, `which is lowest`: by tier, the only order the article gives. Every region of the top (or
 * bottom) tier present is an answer, and the card says they are tied.
 */
function rankAnswer(ask: 'strongest' | 'weakest', c: ConversationContext, lang: Lang): Answer {
  const t = TEXT[lang];
  const spanned = tiersOf(c.regionIds);
  const [tier, winners] = ask === 'strongest' ? spanned[0] : spanned[spanned.length - 1];
  const sections = [
    ...(winners.length > 1 ? [{ text: t.tie(names(winners, lang), tier[lang]) }] : []),
    { fields: tierFields(c.regionIds, lang) },
    { text: t.byTier(join(report.tiers.map((x) => x[lang]), lang)) },
    ...creditSection(lang, true, false),
  ];
  return answer('compare', lang, { regionIds: winners, tierIds: [tier.id], statedBy: speakers([tier.id], []) }, {
    title: (ask === 'strongest' ? t.highest : t.lowest)(names(winners, lang)),
    tone: tier.id as Tone,
    sections,
    actions: winners.slice(0, 12).map((id) => button(regionName(id, lang), `region ${id}`, lang)),
  });
}

/** `为什么` after `哪个最强`: the tier order, and the tier's traits as the article describes them. */
function rankReasonAnswer(ask: 'strongest' | 'weakest', c: ConversationContext, lang: Lang): Answer {
  const m = MESSAGES[lang];
  const spanned = tiersOf(c.regionIds);
  const [tier, winners] = ask === 'strongest' ? spanned[0] : spanned[spanned.length - 1];
  return answer('tier', lang, { regionIds: winners, tierIds: [tier.id], statedBy: speakers([tier.id], []) }, {
    title: TEXT[lang].whyRanked(names(winners, lang)),
    subtitle: m.tierTitle(tier[lang]),
    tone: tier.id as Tone,
    sections: [
      { text: TEXT[lang].rankedBy(names(winners, lang), tier[lang], ask) },
      { heading: m.traits, text: tier.traits[lang] + (tier.note ? `\n${tier.note[lang]}` : '') },
      ...creditSection(lang, true, false),
    ],
    actions: [button(m.buttons.tier(tier[lang]), `tier ${tier.id}`, lang)],
  });
}

/** `其中哪些有建议路径`: the regions under discussion among Hu Jianbo's examples, and those that are not. */
function withPathAnswer(c: ConversationContext, lang: Lang): Answer {
  const t = TEXT[lang];
  const withPath = c.regionIds.filter((id) => pathsNamedFor(id).length > 0);
  const without = c.regionIds.filter((id) => !withPath.includes(id));
  const strategyIds = uniq(withPath.flatMap((id) => pathsNamedFor(id).map((n) => n.path.id)));
  return answer('path', lang, { regionIds: withPath, strategyIds, statedBy: speakers([], strategyIds) }, {
    title: withPath.length > 0 ? t.withPath(names(withPath, lang)) : t.noneWithPath,
    tone: 'info',
    sections: [
      ...(withPath.length > 0 ? [{ items: withPath.map((id) => `${regionName(id, lang)}${colon(lang)}${pathLine({ id }, lang, true)}`) }] : []),
      ...(without.length > 0 ? [{ text: MESSAGES[lang].noPathFor(names(without, lang)) }] : []),
      ...creditSection(lang, false, true),
    ],
    actions: withPath.slice(0, 12).map((id) => button(regionName(id, lang), `path ${id}`, lang)),
  });
}

/** `为什么`: the reason the article gives for each suggested path (what the example places are like), credited. */
function whyAnswer(c: ConversationContext, lang: Lang): Answer {
  const m = MESSAGES[lang];
  const t = TEXT[lang];
  const strategyIds = c.strategyIds.length > 0 ? c.strategyIds : uniq(c.regionIds.flatMap((id) => pathsNamedFor(id).map((n) => n.path.id)));
  const without = c.regionIds.filter((id) => pathsNamedFor(id).length === 0);
  const sections = strategyIds.map((id) => {
    const p = pathById.get(id)!;
    return {
      heading: p[lang],
      text: m.suggestion(p.examples[lang], p.proposal[lang]),
      fields: [{ label: t.reason, value: p.profile[lang] }, { label: m.approach, value: p.approach[lang] }],
    };
  });
  const regionIds = c.regionIds.filter((id) => !without.includes(id));
  return answer('path', lang, { regionIds, strategyIds, statedBy: speakers([], strategyIds) }, {
    title: strategyIds.length === 1 ? t.why(pathName(strategyIds[0], lang)) : strategyIds.length > 1 ? t.whyMany : t.whyNoPath,
    tone: 'info',
    sections: [
      ...sections,
      ...(without.length > 0 ? [{ text: without.length === 1 ? m.noPath(regionName(without[0], lang)) : m.noPathFor(names(without, lang)) }] : []),
      { text: t.notExplained },
      ...creditSection(lang, false, strategyIds.length > 0),
    ],
    actions: strategyIds.map((id) => button(m.buttons.path(pathName(id, lang)), `path ${id}`, lang)),
  });
}

/** `地图`, `show it on the map`: the tier map with what is under discussion highlighted. */
function mapOf(c: ConversationContext, lang: Lang): Answer {
  const ids = c.regionIds;
  if (ids.length === 0 || ids.length === report.regions.length) return mapAnswer(lang);
  const p = PICTURE_TEXT[lang];
  const title = TEXT[lang].mapTitle(describe(c, lang));
  const tierIds = tiersOf(ids).map(([t]) => t.id);
  const a = answer('map', lang, { regionIds: ids, tierIds, groupIds: c.groupIds, statedBy: speakers(tierIds, []) }, {
    title,
    tone: tierIds.length === 1 ? (tierIds[0] as Tone) : 'info',
    sections: [{ fields: tierFields(ids, lang) }, { text: `${p.notCovered}\n${p.caption}` }, ...creditSection(lang, true, false)],
    actions: ids.length <= 12 ? ids.map((id) => button(regionName(id, lang), `region ${id}`, lang)) : [],
  });
  a.card.image = mapImage(lang, ids, title);
  return a;
}
