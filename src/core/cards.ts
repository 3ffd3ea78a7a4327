import { COMMANDS } from './commands.js';
import { metricById, pathById, pathsNamedFor, regionById, report, tierById, tierOf } from './data.js';
import { colon, join, MESSAGES, metricLabel, paren, pathName, quote, regionName, regionTitle, tierName } from './i18n.js';
import type { Query, RegionRef } from './parse.js';
import { suggest } from './suggest.js';
import type { Answer, Card, CardAction, CardSection, Intent, Lang, Tone } from './types.js';

/** One builder per intent: a Query in, an Answer (ids + neutral card) out. */

type Ids = Pick<Answer, 'regionIds' | 'tierIds' | 'strategyIds' | 'metricIds'>;
const NO_IDS: Ids = { regionIds: [], tierIds: [], strategyIds: [], metricIds: [] };

function answer(intent: Intent, lang: Lang, ids: Partial<Ids>, card: Omit<Card, 'source'> & { source?: string }): Answer {
  return { intent, lang, ...NO_IDS, ...ids, card: { source: MESSAGES[lang].source, ...card } };
}

/** A button whose command keeps the answer's language when clicked. */
const button = (label: string, command: string, lang: Lang): CardAction => ({ label, command: `${command} --lang ${lang}` });

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

/** The paths the report names for a region: the region's own first, or the city's when the user named that city. */
function namedPaths(ref: RegionRef) {
  const named = pathsNamedFor(ref.id);
  const viaCity = (n: (typeof named)[number]) => (ref.via ? n.city?.zh === ref.via.zh : !n.city);
  return [...named.filter(viaCity), ...named.filter((n) => !viaCity(n))];
}

function pathLine(ref: RegionRef, lang: Lang): string {
  const m = MESSAGES[lang];
  const named = namedPaths(ref);
  if (named.length === 0) return m.noPath(regionName(ref.id, lang));
  // Once a city is in the line, every path says whose it is: the city's, or its whole region's.
  const whose = named.some((n) => n.city) ? `${regionName(ref.id, lang)}${colon(lang)}` : '';
  return named
    .map((n) => (n.city ? m.namedVia(n.city[lang], pathName(n.path.id, lang)) : `${whose}${pathName(n.path.id, lang)}`))
    .join(lang === 'zh' ? '；' : '; ');
}

/** Paths the report names for the other members of a region's tier, labelled as theirs. */
function peerPathItems(regionId: string, lang: Lang): string[] {
  const tier = tierOf.get(regionId)!;
  return tier.members
    .filter((id) => id !== regionId)
    .flatMap((id) => pathsNamedFor(id).map((n) => `${n.city ? n.city[lang] : regionName(id, lang)}${colon(lang)}${pathName(n.path.id, lang)}`));
}

export function regionAnswer(ref: RegionRef, lang: Lang, intent: Intent = 'region'): Answer {
  const m = MESSAGES[lang];
  const tier = tierOf.get(ref.id)!;
  const named = namedPaths(ref);
  const peers = tier.members.filter((id) => id !== ref.id);
  const sections: CardSection[] = [
    ...readingNotes([ref], lang),
    { fields: [{ label: m.tier, value: m.tierOf(tier[lang], tier.members.length) }, { label: m.path, value: pathLine(ref, lang) }] },
    { heading: m.traits, text: tier.traits[lang] + (tier.note ? `\n${tier.note[lang]}` : '') },
    { heading: m.peers, text: join(peers.map((id) => regionName(id, lang)), lang) },
  ];
  const peerPaths = named.length === 0 ? peerPathItems(ref.id, lang) : [];
  if (peerPaths.length > 0) sections.push({ heading: m.peerPaths, items: peerPaths });
  return answer(intent, lang, { regionIds: [ref.id], tierIds: [tier.id], strategyIds: named.map((n) => n.path.id) }, {
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

export function tierAnswer(tierIds: string[], lang: Lang): Answer {
  const m = MESSAGES[lang];
  if (tierIds.length !== 1) {
    const tiers = tierIds.length > 0 ? tierIds.map((id) => tierById.get(id)!) : report.tiers;
    return answer('tier', lang, { tierIds: tiers.map((t) => t.id), regionIds: tiers.flatMap((t) => t.members) }, {
      title: m.allTiers,
      tone: 'info',
      sections: [
        ...(tiers.length === report.tiers.length ? [{ text: m.allTiersIntro }] : []),
        ...tiers.map((t) => ({ heading: `${t[lang]}${paren(String(t.members.length), lang)}`, text: join(t.members.map((id) => regionName(id, lang)), lang) })),
      ],
      actions: tierButtons(lang),
    });
  }
  const tier = tierById.get(tierIds[0])!;
  const sections: CardSection[] = [
    { heading: m.members(tier.members.length), text: join(tier.members.map((id) => regionName(id, lang)), lang) },
    { heading: m.traits, text: tier.traits[lang] },
  ];
  if (tier.note) sections.push({ text: tier.note[lang] });
  return answer('tier', lang, { tierIds: [tier.id], regionIds: [...tier.members] }, {
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

function namedRegionsText(pathId: string, lang: Lang): string {
  return join(pathById.get(pathId)!.named.map((n) =>
    n.city ? `${n.city[lang]}${paren(regionName(n.region, lang), lang)}` : regionName(n.region, lang)), lang);
}

export function pathAnswer(pathIds: string[], lang: Lang): Answer {
  const m = MESSAGES[lang];
  const paths = pathIds.length > 0 ? pathIds.map((id) => pathById.get(id)!) : report.paths;
  const regionIds = [...new Set(paths.flatMap((p) => p.named.map((n) => n.region)))];
  if (paths.length === 1) {
    const p = paths[0];
    return answer('path', lang, { strategyIds: [p.id], regionIds }, {
      title: lang === 'zh' ? p.zh : `${p.en} ${p.zh}`,
      subtitle: m.path,
      tone: 'info',
      sections: [
        { fields: [{ label: m.namedRegions, value: namedRegionsText(p.id, lang) }] },
        { heading: m.profile, text: p.profile[lang] },
        { heading: m.approach, text: p.approach[lang] },
        { text: m.pathsIntro },
      ],
      actions: [...regionIds.map((id) => button(regionName(id, lang), `region ${id}`, lang)), button(m.buttons.paths, 'path all', lang)],
    });
  }
  return answer('path', lang, { strategyIds: paths.map((p) => p.id), regionIds }, {
    title: m.allPaths,
    tone: 'info',
    sections: [
      { text: m.pathsIntro },
      ...paths.map((p) => ({ heading: p[lang], text: `${m.namedRegions}${colon(lang)}${namedRegionsText(p.id, lang)}\n${p.profile[lang]}` })),
    ],
    actions: paths.map((p) => button(p[lang], `path ${p.id}`, lang)),
  });
}

/** The path the report names for one region, or plainly that it names none. */
export function regionPathAnswer(ref: RegionRef, lang: Lang): Answer {
  const named = namedPaths(ref);
  if (named.length === 0) return regionAnswer(ref, lang, 'path');
  const m = MESSAGES[lang];
  const tier = tierOf.get(ref.id)!;
  const sections: CardSection[] = [...readingNotes([ref], lang), { fields: [{ label: m.path, value: pathLine(ref, lang) }] }];
  for (const { path } of named) {
    sections.push({ heading: path[lang], text: `${path.profile[lang]}\n${m.approach}${colon(lang)}${path.approach[lang]}\n${m.namedRegions}${colon(lang)}${namedRegionsText(path.id, lang)}` });
  }
  return answer('path', lang, { regionIds: [ref.id], tierIds: [tier.id], strategyIds: named.map((n) => n.path.id) }, {
    title: m.pathFor(ref.via ? ref.via[lang] : regionName(ref.id, lang)),
    subtitle: m.tierTitle(tier[lang]),
    tone: tier.id as Tone,
    sections,
    actions: [button(regionName(ref.id, lang), `region ${ref.id}`, lang), button(m.buttons.paths, 'path all', lang)],
  });
}

export function metricsAnswer(metricIds: string[], lang: Lang): Answer {
  const m = MESSAGES[lang];
  if (metricIds.length === 0) {
    return answer('metrics', lang, { metricIds: report.metrics.map((x) => x.id) }, {
      title: m.metrics,
      tone: 'info',
      sections: [{ fields: report.metrics.map((x) => ({ label: x.label[lang], value: x.value[lang] })) }],
      actions: [button(m.buttons.tiers, 'tier all', lang), button(m.buttons.paths, 'path all', lang), button(m.buttons.about, 'about', lang)],
    });
  }
  return answer('metrics', lang, { metricIds }, {
    title: metricIds.length === 1 ? metricLabel(metricIds[0], lang) : m.metrics,
    tone: 'info',
    sections: metricIds.map((id) => {
      const x = metricById.get(id)!;
      return { heading: `${x.label[lang]}: ${x.value[lang]}`, text: lang === 'zh' ? `${m.original}：${x.quote}。` : x.en };
    }),
    actions: [button(m.buttons.metrics, 'metrics', lang)],
  });
}

export function compareAnswer(refs: RegionRef[], lang: Lang): Answer {
  const m = MESSAGES[lang];
  const ids = refs.map((r) => r.id);
  const tiers = [...new Set(ids.map((id) => tierOf.get(id)!.id))];
  const strategies = [...new Set(refs.flatMap((r) => namedPaths(r).map((n) => n.path.id)))];
  const sections: CardSection[] = [
    ...readingNotes(refs, lang),
    { fields: refs.map((ref) => ({ label: regionTitle(ref.id, lang), value: `${tierName(tierOf.get(ref.id)!.id, lang)} · ${pathLine(ref, lang)}` })) },
  ];
  if (tiers.length === 1) sections.push({ text: m.sameTier(tierName(tiers[0], lang)) });
  const names = ids.length > 6 ? m.members(ids.length) : join(ids.map((id) => regionName(id, lang)), lang);
  return answer('compare', lang, { regionIds: ids, tierIds: tiers, strategyIds: strategies }, {
    title: m.compare(names),
    tone: tiers.length === 1 ? (tiers[0] as Tone) : 'info',
    sections,
    actions: ids.length <= 6 ? ids.map((id) => button(regionName(id, lang), `region ${id}`, lang)) : tierButtons(lang),
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
  return answer('ambiguous', q.lang, { regionIds: ids }, {
    title: m.ambiguousTitle,
    tone: 'warning',
    sections: [{ text: m.ambiguous(typed) }],
    actions: ids.map((id) => button(`${regionById.get(id)!.zh} ${regionById.get(id)!.en}`, commandFor(id), q.lang)),
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
  zh: [['湖北', 'region hubei'], ['四大梯队', 'tier all'], ['发展路径', 'path all'], ['核心数据', 'metrics'], ['北京和上海对比', 'compare beijing shanghai']],
  en: [['Hubei', 'region hubei'], ['The four tiers', 'tier all'], ['Development paths', 'path all'], ['Headline figures', 'metrics'], ['Compare Beijing and Shanghai', 'compare beijing shanghai']],
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

export function aboutAnswer(lang: Lang): Answer {
  const m = MESSAGES[lang];
  return answer('about', lang, {}, {
    title: m.aboutTitle,
    tone: 'info',
    sections: [
      { fields: [
        { label: m.released, value: m.releasedValue },
        { label: m.publisher, value: m.publisherValue },
        { label: m.method, value: m.methodValue(join(report.dimensions.map((d) => d[lang]), lang)) },
      ] },
      { heading: m.quotes, items: report.people.flatMap((p) => p.quotes.map((q) => `${p[lang]}${paren(p.role[lang], lang)}${colon(lang)}${q[lang]}`)) },
    ],
    actions: [button(m.buttons.tiers, 'tier all', lang), button(m.buttons.metrics, 'metrics', lang)],
  });
}

/** Slack's App Home and similar overviews: the tiers with counts, the headline figures, how to ask. */
export function overviewAnswer(lang: Lang): Answer {
  const m = MESSAGES[lang];
  return answer('help', lang, { tierIds: report.tiers.map((t) => t.id), metricIds: report.metrics.map((x) => x.id) }, {
    title: m.overviewTitle,
    tone: 'info',
    sections: [
      { text: m.helpIntro },
      { heading: m.allTiers, fields: report.tiers.map((t) => ({ label: t[lang], value: m.members(t.members.length) })) },
      { heading: m.metrics, fields: report.metrics.slice(0, 10).map((x) => ({ label: x.label[lang], value: x.value[lang] })) },
      ...helpSections(lang),
    ],
    actions: exampleButtons(lang),
  });
}
