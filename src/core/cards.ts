import { COMMANDS } from './commands.js';
import {
  groupingById, groupings, metricById, pathById, pathsNamedFor, personById, regionById, report, tierById, tierOf, type Grouping, type NamedPath, type Path,
} from './data.js';
import { colon, join, MESSAGES, metricLabel, paren, pathName, personWithRole, quote, regionName, regionTitle, tierName } from './i18n.js';
import type { Query, RegionRef } from './parse.js';
import { suggest } from './suggest.js';
import type { Answer, Card, CardAction, CardSection, Intent, Lang, Tone } from './types.js';

/** One builder per intent: a Query in, an Answer (ids + neutral card) out. */

type Ids = Pick<Answer, 'regionIds' | 'tierIds' | 'strategyIds' | 'metricIds' | 'groupIds' | 'statedBy'>;
const NO_IDS: Ids = { regionIds: [], tierIds: [], strategyIds: [], metricIds: [], groupIds: [], statedBy: [] };

/** Who states what a card shows: the tiers and the paths are Hu Jianbo's (data/ says so), figures each their own. */
const TIERS_BY = report.statements.tiers.by;
const PATHS_BY = report.statements.paths.by;
export const speakers = (tierIds: string[], strategyIds: string[], metricIds: string[] = []): string[] => [...new Set([
  ...(tierIds.length > 0 ? [TIERS_BY] : []),
  ...(strategyIds.length > 0 ? [PATHS_BY] : []),
  ...metricIds.map((id) => metricById.get(id)!.by),
])];

export function answer(intent: Intent, lang: Lang, ids: Partial<Ids>, card: Omit<Card, 'source'> & { source?: string }): Answer {
  return { intent, lang, ...NO_IDS, ...ids, card: { source: MESSAGES[lang].source, ...card } };
}

/** A button whose command keeps the answer's language when clicked. */
export const button = (label: string, command: string, lang: Lang): CardAction => ({ label, command: `${command} --lang ${lang}` });

const tierButtons = (lang: Lang): CardAction[] => report.tiers.map((t) => button(t[lang], `tier ${t.id}`, lang));

/** Lines that explain how the user's words were read: a city, a corrected typo. */
function readingNotes(refs: RegionRef[], lang: Lang): CardSection[] {
  const m = MESSAGES[lang];
  return refs.flatMap((ref) => {
    if (ref.via) return [{ text: m.via(ref.via[lang], regionName(ref.id, lang)) }];
    if (ref.typed) return [{ text: m.corrected(ref.typed, regionName(ref.id, lang)) }];
    return [];
  });
}

/** The paths suggested for places like a region: the region's own first, or the city's when the user named that city. */
function namedPaths(ref: RegionRef): readonly NamedPath[] {
  const named = pathsNamedFor(ref.id);
  const viaCity = (n: NamedPath) => (ref.via ? n.city?.zh === ref.via.zh : !n.city);
  if (named.every(viaCity)) return named; // most regions: no city among the examples, none typed
  return [...named.filter(viaCity), ...named.filter((n) => !viaCity(n))];
}

export function pathLine(ref: RegionRef, lang: Lang, short = false, named = namedPaths(ref)): string {
  const m = MESSAGES[lang];
  if (named.length === 0) return short ? m.noPathShort : m.noPath(regionName(ref.id, lang));
  // Once a city is in the line, every path says whose it is: the city's, or its whole region's
  // (in a row that already starts with the region's name, the city's is enough).
  const whose = !short && named.some((n) => n.city) ? `${regionName(ref.id, lang)}${colon(lang)}` : '';
  return named
    .map((n) => (n.city ? m.namedVia(n.city[lang], pathName(n.path.id, lang), regionName(ref.id, lang)) : `${whose}${pathName(n.path.id, lang)}`))
    .join(lang === 'zh' ? '；' : '; ');
}

/** A path as the article puts it: who suggests it, for which example places, how firmly (可以…). */
function suggestionText(path: Path, lang: Lang, withRole = true): string {
  const m = MESSAGES[lang];
  return (withRole ? m.suggestion : m.suggestionShort)(path.examples[lang], path.proposal[lang]);
}

/**
 * One bullet per region in a list: the region's name, then its suggested paths, hedged as suggestions
 * (a city among the examples, such as Shenzhen, is named as that region's city, never as a region).
 */
function regionPathItem(ref: RegionRef, lang: Lang): string {
  return `${regionName(ref.id, lang)}${colon(lang)}${MESSAGES[lang].suggestedPath(pathLine(ref, lang, true))}`;
}

/** Paths suggested for the other members of a region's tier, labelled as theirs. */
function peerPathItems(regionId: string, lang: Lang): string[] {
  return tierOf.get(regionId)!.members
    .filter((id) => id !== regionId && pathsNamedFor(id).length > 0)
    .map((id) => regionPathItem({ id }, lang));
}

/** Who the card's tiers and paths come from, in one closing line. */
export function creditSection(lang: Lang, tiers: boolean, paths: boolean): CardSection[] {
  const m = MESSAGES[lang];
  const lines = [...(tiers ? [m.tierCredit] : []), ...(paths ? [m.pathCredit] : [])];
  return lines.length > 0 ? [{ text: lines.join('\n') }] : [];
}

/**
 * What the question asked for that the article gives only for the whole country or not at all: a
 * region's own index or figures, a ranking. Said first, then the national figures it does give.
 */
export interface Unanswered {
  ranking?: boolean;
  /** National figures asked about next to a region (北京的发展指数): the article gives none per region. */
  metricIds?: string[];
}

function unansweredSections(ref: RegionRef | undefined, asked: Unanswered, lang: Lang): CardSection[] {
  const m = MESSAGES[lang];
  const metricIds = asked.metricIds ?? [];
  const sections: CardSection[] = [];
  if (asked.ranking) sections.push({ text: m.noRanking });
  if (metricIds.length > 0) {
    sections.push({
      text: ref ? m.noRegionFigure(regionName(ref.id, lang), join(metricIds.map((id) => metricLabel(id, lang)), lang)) : undefined,
      fields: metricIds.map((id) => figureField(id, lang)),
    });
  }
  return sections;
}

/** A national figure with who states it: 发展总指数: 2020年146.6（较上年+46.6）（出自《报告》）. */
function figureField(id: string, lang: Lang): { label: string; value: string } {
  const x = metricById.get(id)!;
  return { label: x.label[lang], value: `${x.value[lang]}${paren(speakerText(x.by, MESSAGES[lang].saidBy), lang)}` };
}

export function regionAnswer(ref: RegionRef, lang: Lang, intent: Intent = 'region', asked: Unanswered = {}): Answer {
  const m = MESSAGES[lang];
  const tier = tierOf.get(ref.id)!;
  const named = namedPaths(ref);
  const peers = tier.members.filter((id) => id !== ref.id);
  const sections: CardSection[] = [
    ...readingNotes([ref], lang),
    ...unansweredSections(ref, asked, lang),
    { fields: [{ label: m.tier, value: m.tierOf(tier[lang], tier.members.length) }, { label: m.path, value: pathLine(ref, lang, false, named) }] },
    ...(named.length > 0 ? [{ text: [...new Set(named.map((n) => n.path))].map((p, i) => suggestionText(p, lang, i === 0)).join('\n') }] : []),
    // The tier's figure (3个指标占比超过70%) is the tier's, not this region's.
    { heading: m.traits, text: tier.traits[lang] + (tier.note ? `\n${m.tierWide(regionName(ref.id, lang), tier.note[lang])}` : '') },
    { heading: m.peers, text: join(peers.map((id) => regionName(id, lang)), lang) },
  ];
  const peerPaths = named.length === 0 ? peerPathItems(ref.id, lang) : [];
  if (peerPaths.length > 0) sections.push({ heading: m.peerPaths, items: peerPaths });
  sections.push(...creditSection(lang, true, false));
  const strategyIds = named.map((n) => n.path.id);
  const metricIds = asked.metricIds ?? [];
  return answer(intent, lang, { regionIds: [ref.id], tierIds: [tier.id], strategyIds, metricIds, statedBy: speakers([tier.id], strategyIds, metricIds) }, {
    title: regionTitle(ref.id, lang),
    subtitle: m.tierTitle(tier[lang]),
    tone: tier.id as Tone,
    sections,
    actions: [
      button(m.buttons.tier(tier[lang]), `tier ${tier.id}`, lang),
      ...named.map((n) => button(m.buttons.path(pathName(n.path.id, lang)), `path ${n.path.id}`, lang)),
      button(m.buttons.peers, `compare ${tier.members.join(' ')}`, lang),
      button(m.buttons.metrics, 'metrics', lang),
    ],
  });
}

export function tierAnswer(tierIds: string[], lang: Lang, asked: Unanswered = {}): Answer {
  const m = MESSAGES[lang];
  if (tierIds.length !== 1) {
    const tiers = tierIds.length > 0 ? tierIds.map((id) => tierById.get(id)!) : report.tiers;
    const ids = tiers.map((t) => t.id);
    const metricIds = asked.metricIds ?? [];
    return answer('tier', lang, { tierIds: ids, regionIds: tiers.flatMap((t) => t.members), metricIds, statedBy: speakers(ids, [], metricIds) }, {
      title: m.allTiers,
      tone: 'info',
      sections: [
        ...unansweredSections(undefined, asked, lang),
        { text: m.allTiersIntro },
        ...tiers.map((t) => ({ heading: `${t[lang]}${paren(String(t.members.length), lang)}`, text: join(t.members.map((id) => regionName(id, lang)), lang) })),
      ],
      actions: tierButtons(lang),
    });
  }
  const tier = tierById.get(tierIds[0])!;
  const sections: CardSection[] = [
    ...unansweredSections(undefined, asked, lang),
    { heading: m.members(tier.members.length), text: join(tier.members.map((id) => regionName(id, lang)), lang) },
    { heading: m.traits, text: tier.traits[lang] },
  ];
  if (tier.note) sections.push({ text: tier.note[lang] });
  sections.push(...creditSection(lang, true, false));
  return answer('tier', lang, { tierIds: [tier.id], regionIds: [...tier.members], statedBy: speakers([tier.id], []) }, {
    title: lang === 'zh' ? m.tierTitle(tier.zh) : `${tier.en} ${tier.zh}`,
    subtitle: m.members(tier.members.length),
    tone: tier.id as Tone,
    sections,
    actions: [
      ...tier.members.map((id) => button(regionName(id, lang), `region ${id}`, lang)),
      button(m.buttons.tiers, 'tier all', lang),
    ],
  });
}

export function pathAnswer(pathIds: string[], lang: Lang): Answer {
  const m = MESSAGES[lang];
  const paths = pathIds.length > 0 ? pathIds.map((id) => pathById.get(id)!) : report.paths;
  const regionIds = [...new Set(paths.flatMap((p) => p.named.map((n) => n.region)))];
  const strategyIds = paths.map((p) => p.id);
  const ids = { strategyIds, regionIds, statedBy: speakers([], strategyIds) };
  if (paths.length === 1) {
    const p = paths[0];
    return answer('path', lang, ids, {
      title: lang === 'zh' ? p.zh : `${p.en} ${p.zh}`,
      subtitle: m.path,
      tone: 'info',
      sections: [
        { text: suggestionText(p, lang) },
        { heading: m.profile, text: p.profile[lang] },
        { heading: m.approach, text: p.approach[lang] },
        { text: m.pathsIntro },
      ],
      actions: [...regionIds.map((id) => button(regionName(id, lang), `region ${id}`, lang)), button(m.buttons.paths, 'path all', lang)],
    });
  }
  return answer('path', lang, ids, {
    title: m.allPaths,
    tone: 'info',
    sections: [
      { text: m.pathsIntro },
      ...paths.map((p) => ({ heading: p[lang], text: `${suggestionText(p, lang, false)}\n${p.profile[lang]}` })),
    ],
    actions: paths.map((p) => button(p[lang], `path ${p.id}`, lang)),
  });
}

/** The path suggested for places like one region, or plainly that none is. */
export function regionPathAnswer(ref: RegionRef, lang: Lang): Answer {
  const named = namedPaths(ref);
  if (named.length === 0) return regionAnswer(ref, lang, 'path');
  const m = MESSAGES[lang];
  const tier = tierOf.get(ref.id)!;
  const sections: CardSection[] = [...readingNotes([ref], lang), { fields: [{ label: m.path, value: pathLine(ref, lang) }] }];
  for (const path of [...new Set(named.map((n) => n.path))]) {
    sections.push({ heading: path[lang], text: `${suggestionText(path, lang)}\n${path.profile[lang]}\n${m.approach}${colon(lang)}${path.approach[lang]}` });
  }
  sections.push({ text: m.pathsIntro });
  const strategyIds = named.map((n) => n.path.id);
  return answer('path', lang, { regionIds: [ref.id], tierIds: [tier.id], strategyIds, statedBy: speakers([tier.id], strategyIds) }, {
    title: m.pathFor(ref.via ? ref.via[lang] : regionName(ref.id, lang)),
    subtitle: m.tierTitle(tier[lang]),
    tone: tier.id as Tone,
    sections,
    actions: [button(regionName(ref.id, lang), `region ${ref.id}`, lang), button(m.buttons.paths, 'path all', lang)],
  });
}

/** The figures a card shows, under who states them: the report, a person quoted, the reporter's own count. */
function bySpeaker(metricIds: string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const id of metricIds) {
    const by = metricById.get(id)!.by;
    groups.set(by, [...(groups.get(by) ?? []), id]);
  }
  return [...groups.entries()];
}

const speakerText = (by: string, table: { report: string; article: string; reporter: string; person: (id: string) => string }): string =>
  by === 'report' || by === 'article' || by === 'reporter' ? table[by] : table.person(by);

export function metricsAnswer(metricIds: string[], lang: Lang): Answer {
  const m = MESSAGES[lang];
  if (metricIds.length === 0) {
    const ids = report.metrics.map((x) => x.id);
    return answer('metrics', lang, { metricIds: ids, statedBy: speakers([], [], ids) }, {
      title: m.metrics,
      tone: 'info',
      sections: bySpeaker(ids).map(([by, group]) => ({
        heading: speakerText(by, m.saidByHeading),
        fields: group.map((id) => ({ label: metricById.get(id)!.label[lang], value: metricById.get(id)!.value[lang] })),
      })),
      actions: [button(m.buttons.tiers, 'tier all', lang), button(m.buttons.paths, 'path all', lang), button(m.buttons.about, 'about', lang)],
    });
  }
  return answer('metrics', lang, { metricIds, statedBy: speakers([], [], metricIds) }, {
    title: metricIds.length === 1 ? metricLabel(metricIds[0], lang) : m.metrics,
    tone: 'info',
    sections: metricIds.map((id) => {
      const x = metricById.get(id)!;
      const said = speakerText(x.by, m.saidBy);
      return { heading: `${x.label[lang]}: ${x.value[lang]}`, text: lang === 'zh' ? `${said}。${m.original}：${x.quote}。` : `${said}. ${x.en}` };
    }),
    actions: [button(m.buttons.metrics, 'metrics', lang)],
  });
}

/** Up to this many regions are shown one line each; more are grouped by tier. */
const MAX_SIDE_BY_SIDE = 6;

/** Regions side by side: one field each (tier · suggested path), or, for many, grouped by tier. */
function regionRows(refs: RegionRef[], lang: Lang): CardSection[] {
  const m = MESSAGES[lang];
  if (refs.length <= MAX_SIDE_BY_SIDE) {
    const path = (ref: RegionRef) => (namedPaths(ref).length > 0 ? m.suggestedPath(pathLine(ref, lang, true)) : m.noPathShort);
    return [{ fields: refs.map((ref) => ({ label: regionTitle(ref.id, lang), value: `${tierName(tierOf.get(ref.id)!.id, lang)} · ${path(ref)}` })) }];
  }
  return report.tiers.flatMap((tier) => {
    const inTier = refs.filter((ref) => tierOf.get(ref.id) === tier);
    if (inTier.length === 0) return [];
    const withPath = inTier.filter((ref) => namedPaths(ref).length > 0);
    const without = inTier.filter((ref) => namedPaths(ref).length === 0);
    return [{
      heading: `${tier[lang]}${paren(join(inTier.map((ref) => regionName(ref.id, lang)), lang), lang)}`,
      items: [
        ...withPath.map((ref) => regionPathItem(ref, lang)),
        ...(without.length > 0 ? [m.noPathFor(join(without.map((ref) => regionName(ref.id, lang)), lang))] : []),
      ],
    }];
  });
}

/** How a set of regions spreads over the tiers: 示范引领3个、快速崛起1个. */
function tierMix(ids: string[], lang: Lang): string {
  const m = MESSAGES[lang];
  return m.tierMix(join(report.tiers
    .map((t) => [t, ids.filter((id) => tierOf.get(id) === t).length] as const)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => m.mixPart(t[lang], n)), lang));
}

function stated(refs: RegionRef[]) {
  const regionIds = refs.map((r) => r.id);
  const tierIds = [...new Set(regionIds.map((id) => tierOf.get(id)!.id))];
  const strategyIds = [...new Set(refs.flatMap((r) => namedPaths(r).map((n) => n.path.id)))];
  return { regionIds, tierIds, strategyIds, statedBy: speakers(tierIds, strategyIds) };
}

export function compareAnswer(refs: RegionRef[], lang: Lang, asked: Unanswered = {}): Answer {
  const m = MESSAGES[lang];
  const ids = stated(refs);
  const sections: CardSection[] = [...readingNotes(refs, lang), ...unansweredSections(undefined, { ranking: asked.ranking }, lang), ...regionRows(refs, lang)];
  if (ids.tierIds.length === 1) sections.push({ text: m.sameTier(tierName(ids.tierIds[0], lang)) });
  else if (refs.length > MAX_SIDE_BY_SIDE) sections.push({ text: tierMix(ids.regionIds, lang) });
  sections.push(...creditSection(lang, true, true));
  const many = refs.length > MAX_SIDE_BY_SIDE;
  const names = many ? m.members(refs.length) : join(ids.regionIds.map((id) => regionName(id, lang)), lang);
  return answer('compare', lang, ids, {
    title: m.compare(names),
    tone: ids.tierIds.length === 1 ? (ids.tierIds[0] as Tone) : 'info',
    sections,
    actions: many ? tierButtons(lang) : ids.regionIds.map((id) => button(regionName(id, lang), `region ${id}`, lang)),
  });
}

const groupingTitle = (g: Grouping, lang: Lang): string => (lang === 'zh' ? g.zh : `${g.en} ${g.zh}`);

/** One grouping's block: which definition, its members side by side, its tier mix, what it has outside the report. */
function groupingSections(g: Grouping, lang: Lang, withHeading: boolean): CardSection[] {
  const m = MESSAGES[lang];
  const sections: CardSection[] = [];
  if (withHeading || g.definition) {
    sections.push({ heading: withHeading ? groupingTitle(g, lang) : undefined, text: g.definition ? m.definition(g.definition[lang]) : undefined });
  }
  sections.push(...regionRows(g.members.map((id) => ({ id })), lang));
  const extra = [tierMix(g.members, lang), ...(g.outside ? [m.outside(join(g.outside.map((o) => o[lang]), lang))] : [])];
  sections.push({ text: extra.join('\n') });
  return sections;
}

/**
 * Regional groupings (长三角, 京津冀 …), alone, together, or next to single regions: each grouping's
 * members with their tiers and suggested paths, the tier mix, and that the membership is general knowledge.
 */
export function groupAnswer(groupIds: string[], extra: RegionRef[], lang: Lang): Answer {
  const m = MESSAGES[lang];
  const groups = groupIds.map((id) => groupingById.get(id)!);
  const inGroups = new Set(groups.flatMap((g) => g.members));
  const others = extra.filter((ref) => !inGroups.has(ref.id));
  const single = groups.length === 1 && others.length === 0;
  const refs = [...[...inGroups].map((id) => ({ id })), ...others];
  const ids = stated(refs);
  const sections: CardSection[] = [
    ...readingNotes(others, lang),
    ...groups.flatMap((g) => groupingSections(g, lang, !single)),
    ...(others.length > 0 ? [{ heading: m.alsoAsked }, ...regionRows(others, lang)] : []),
    ...creditSection(lang, true, true),
    { text: groupings.provenance[lang] },
  ];
  const names = [...groups.map((g) => g[lang]), ...others.map((ref) => regionName(ref.id, lang))];
  return answer('group', lang, { ...ids, groupIds }, {
    title: single ? groupingTitle(groups[0], lang) : m.compare(join(names, lang)),
    subtitle: single ? m.members(groups[0].members.length) : undefined,
    tone: ids.tierIds.length === 1 ? (ids.tierIds[0] as Tone) : 'info',
    sections,
    actions: [
      ...(ids.regionIds.length <= 12 ? ids.regionIds.map((id) => button(regionName(id, lang), `region ${id}`, lang)) : tierButtons(lang)),
      button(m.buttons.groupings, 'group all', lang),
    ],
  });
}

/** The groupings the bot understands, each with its members. */
export function groupListAnswer(lang: Lang): Answer {
  const m = MESSAGES[lang];
  return answer('group', lang, { groupIds: groupings.groupings.map((g) => g.id) }, {
    title: m.groupings,
    tone: 'info',
    sections: [
      { items: groupings.groupings.map((g) => `${groupingTitle(g, lang)}${colon(lang)}${join(g.members.map((id) => regionName(id, lang)), lang)}`) },
      { text: groupings.provenance[lang] },
    ],
    actions: groupings.groupings.slice(0, 6).map((g) => button(g[lang], `group ${g.id}`, lang)),
  });
}

export function notCoveredAnswer(q: Query): Answer {
  const m = MESSAGES[q.lang];
  return answer('not-covered', q.lang, {}, {
    title: m.notCoveredTitle,
    tone: 'warning',
    sections: [{ text: m.notCovered(join(q.notCovered.map((n) => n[q.lang]), q.lang)) }],
    actions: [button(m.buttons.tiers, 'tier all', q.lang), button(m.buttons.about, 'about', q.lang)],
  });
}

export function ambiguousAnswer(q: Query): Answer {
  const m = MESSAGES[q.lang];
  const { typed, ids } = q.ambiguous!;
  const others = q.regions.map((r) => r.id);
  const commandFor = (id: string) =>
    others.length > 0 ? `compare ${[...others, id].join(' ')}` : q.keywords.has('path') ? `path ${id}` : `region ${id}`;
  const label = (id: string) => `${regionById.get(id)!.zh} ${regionById.get(id)!.en}`;
  return answer('ambiguous', q.lang, { regionIds: ids }, {
    title: m.ambiguousTitle,
    tone: 'warning',
    // The choices in the text too, numbered like the console's follow-ups: a text rendering shows no buttons.
    sections: [{ text: m.ambiguous(typed), items: ids.map((id, i) => m.choice(i + 1, label(id))) }],
    actions: ids.map((id) => button(label(id), commandFor(id), q.lang)),
  });
}

function helpSections(lang: Lang): CardSection[] {
  const m = MESSAGES[lang];
  return [{
    heading: m.howToAsk,
    items: COMMANDS.filter((c) => c.name !== 'help').map((c) => `${c.summary[lang]} — ${m.example} ${c.examples[lang].map((e) => quote(e, lang)).join(lang === 'zh' ? '、' : ', ')}`),
  }];
}

const EXAMPLE_BUTTONS: Record<Lang, [string, string][]> = {
  zh: [['湖北', 'region hubei'], ['四大梯队', 'tier all'], ['发展路径', 'path all'], ['核心数据', 'metrics'], ['北京和上海对比', 'compare beijing shanghai'], ['长三角', 'group yangtze-river-delta']],
  en: [['Hubei', 'region hubei'], ['The four tiers', 'tier all'], ['Development paths', 'path all'], ['Headline figures', 'metrics'], ['Compare Beijing and Shanghai', 'compare beijing shanghai'], ['Yangtze River Delta', 'group yangtze-river-delta']],
};

const exampleButtons = (lang: Lang) => EXAMPLE_BUTTONS[lang].map(([label, cmd]) => button(label, cmd, lang));

export function helpAnswer(lang: Lang, note?: string): Answer {
  const m = MESSAGES[lang];
  return answer('help', lang, {}, {
    title: m.helpTitle,
    tone: 'info',
    sections: [{ text: note ?? m.helpIntro }, ...helpSections(lang)],
    actions: exampleButtons(lang),
  });
}

export function unknownAnswer(q: Query): Answer {
  const m = MESSAGES[q.lang];
  const suggestions = suggest(q.leftovers, q.lang);
  const echo = q.echo.length > 80 ? `${q.echo.slice(0, 80)}…` : q.echo;
  return answer('unknown', q.lang, {}, {
    title: m.unknownTitle,
    tone: 'warning',
    sections: [
      { text: m.unknown(echo) },
      ...(suggestions.length > 0 ? [{ heading: m.didYouMean, items: suggestions.map((s) => s.label) }] : []),
      ...helpSections(q.lang),
    ],
    actions: suggestions.length > 0 ? suggestions : exampleButtons(q.lang),
  });
}

/** Who says what in the article: each source with the figures it states, and Hu Jianbo's tiers and paths. */
function whoSaysWhat(lang: Lang): string[] {
  const m = MESSAGES[lang];
  return bySpeaker(report.metrics.map((x) => x.id)).map(([by, ids]) => {
    const figures = join(ids.map((id) => metricLabel(id, lang)), lang);
    if (!personById.has(by)) return `${speakerText(by, m.saidByHeading)}${colon(lang)}${figures}`;
    const his = by === TIERS_BY ? `${m.hisPart}${lang === 'zh' ? '；' : '; '}` : '';
    return `${personWithRole(by, lang)}${colon(lang)}${his}${m.toldReporter(figures.toLowerCase())}`;
  });
}

/** The report and the article: headline, release, reporter, method, who says what, the people quoted. */
export function aboutAnswer(lang: Lang, asked: { publisher?: boolean } = {}): Answer {
  const m = MESSAGES[lang];
  return answer('about', lang, {}, {
    title: m.aboutTitle,
    tone: 'info',
    sections: [
      ...(asked.publisher ? [{ text: m.unnamedPublisher }] : []),
      { fields: [
        { label: m.headline, value: report.source.headline },
        { label: m.released, value: m.releasedValue },
        { label: m.publisher, value: m.publisherValue },
        { label: m.method, value: m.methodValue },
      ] },
      { heading: m.whoSaysWhat, items: whoSaysWhat(lang) },
      { heading: m.quotes, items: report.people.flatMap((p) => p.quotes.map((q) => `${p[lang]}${paren(p.role[lang], lang)}${colon(lang)}${q[lang]}`)) },
    ],
    actions: [
      button(m.buttons.tiers, 'tier all', lang), button(m.buttons.metrics, 'metrics', lang),
      ...report.people.map((p) => button(p[lang], `person ${p.id}`, lang)),
    ],
  });
}

/** A person the article quotes: title, their words as quoted, and what else the article has them say. */
export function personAnswer(personIds: string[], lang: Lang): Answer {
  const m = MESSAGES[lang];
  const people = personIds.map((id) => personById.get(id)!);
  const figures = (id: string) => report.metrics.filter((x) => x.by === id);
  const described = (id: string) => [
    ...(report.statements.tiers.by === id ? [m.personDescribes.tiers] : []),
    ...(report.statements.paths.by === id ? [m.personDescribes.paths] : []),
    ...figures(id).map((x) => `${x.label[lang]}${colon(lang)}${x.value[lang]}`),
  ];
  const sections = people.flatMap((p): CardSection[] => [
    ...(people.length > 1 ? [{ heading: `${p[lang]}${paren(p.role[lang], lang)}` }] : []),
    // Curly quotes in English too: the words quoted have straight ones of their own ("5G + Industrial Internet").
    { heading: m.personSaid, items: p.quotes.map((q) => (lang === 'zh' ? quote(q.zh, lang) : `“${q.en}”`)) },
    ...(described(p.id).length > 0 ? [{ heading: m.personAlso, items: described(p.id) }] : []),
  ]);
  const statedBy = people.map((p) => p.id);
  const tells = (pick: (s: typeof report.statements) => { by: string }) => statedBy.includes(pick(report.statements).by);
  return answer('person', lang, { statedBy, metricIds: report.metrics.filter((x) => statedBy.includes(x.by)).map((x) => x.id) }, {
    title: join(people.map((p) => p[lang]), lang),
    subtitle: people.length === 1 ? people[0].role[lang] : undefined,
    tone: 'info',
    sections,
    actions: [
      ...(tells((s) => s.tiers) ? [button(m.buttons.tiers, 'tier all', lang)] : []),
      ...(tells((s) => s.paths) ? [button(m.buttons.paths, 'path all', lang)] : []),
      ...people.flatMap((p) => figures(p.id).map((x) => button(x.label[lang], `metrics ${x.id}`, lang))),
      button(m.buttons.about, 'about', lang),
    ],
  });
}

/**
 * The indicators the article names in the tiers' notes (标识解析二级节点, the three above 70%): each
 * tier whose note names the one asked about, with the note as the article gives it.
 */
export function indicatorAnswer(tierIds: string[], lang: Lang): Answer {
  const m = MESSAGES[lang];
  const tiers = tierIds.map((id) => tierById.get(id)!);
  return answer('tier', lang, { tierIds, regionIds: tiers.flatMap((t) => t.members), metricIds: ['indicators'], statedBy: speakers(tierIds, [], ['indicators']) }, {
    title: m.indicatorsTitle,
    tone: tiers.length === 1 ? (tiers[0].id as Tone) : 'info',
    sections: [
      { text: m.indicatorsIntro(report.indicatorCount) },
      ...tiers.map((t) => ({ heading: `${m.tierTitle(t[lang])}${paren(join(t.members.map((id) => regionName(id, lang)), lang), lang)}`, text: t.note![lang] })),
      ...creditSection(lang, true, false),
    ],
    actions: [...tiers.map((t) => button(m.buttons.tier(t[lang]), `tier ${t.id}`, lang)), button(m.buttons.metrics, 'metrics indicators', lang)],
  });
}
/** Slack's App Home and similar overviews: the tiers with counts, the headline figures, how to ask. */
export function overviewAnswer(lang: Lang): Answer {
  const m = MESSAGES[lang];
  const tierIds = report.tiers.map((t) => t.id);
  // The report's own figures only: the few others need their speaker beside them, as on the figures card.
  const metrics = report.metrics.filter((x) => x.by === 'report').slice(0, 10);
  const metricIds = metrics.map((x) => x.id);
  return answer('help', lang, { tierIds, metricIds, statedBy: speakers(tierIds, [], metricIds) }, {
    title: m.overviewTitle,
    tone: 'info',
    sections: [
      { text: m.helpIntro },
      { heading: m.allTiers, text: m.tierCredit, fields: report.tiers.map((t) => ({ label: t[lang], value: m.members(t.members.length) })) },
      { heading: `${m.metrics}${colon(lang)}${m.saidByHeading.report}`, fields: metrics.map((x) => ({ label: x.label[lang], value: x.value[lang] })) },
      ...helpSections(lang),
    ],
    actions: exampleButtons(lang),
  });
}
