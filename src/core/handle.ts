import { regionById } from './data.js';
import {
  aboutAnswer, ambiguousAnswer, compareAnswer, groupAnswer, groupListAnswer, helpAnswer, indicatorAnswer, metricsAnswer, notCoveredAnswer,
  overviewAnswer, pathAnswer, personAnswer, regionAnswer, regionPathAnswer, tierAnswer, unknownAnswer,
} from './cards.js';
import { MESSAGES } from './i18n.js';
import { parse, prepareParser, type Query } from './parse.js';
import { mapAnswer, withPicture } from './pictures.js';
import { inTraditional } from './traditional.js';
import type { Answer, ConversationContext, Inbound, Lang, Turn } from './types.js';

/**
 * THE handler: every platform's question, and every button click, comes through here, with the
 * context its conversation kept from the previous answer (if any). Pure and synchronous: text and
 * context in, the answer and the context to keep out, no I/O.
 */
export function converse(inbound: Inbound, _context?: ConversationContext): Turn {
  const query = parse(inbound.text ?? '', inbound.lang, inbound.locale, inbound.fallbackLang);
  const built = withPicture(answerFor(query));
  const answer = query.traditional ? inTraditional(built) : built;
  return { answer, context: contextOf(answer) };
}

/** A question on its own, outside any conversation (`iiot ask`, the App Home overview's buttons). */
export function handle(inbound: Inbound): Answer {
  return converse(inbound).answer;
}

/** What the next question of the conversation may refer back to: the answer's ids, not its words. */
function contextOf(answer: Answer): ConversationContext | undefined {
  if (answer.intent === 'help' || answer.intent === 'unknown') return undefined;
  const { intent, lang, regionIds, groupIds, tierIds, strategyIds, metricIds } = answer;
  return { intent, lang, regionIds, groupIds, tierIds, strategyIds, metricIds };
}

/** Picks the intent: the most specific thing the question names wins. */
function answerFor(q: Query): Answer {
  const { lang, regions, keywords } = q;
  const wantsCompare = keywords.has('compare') || q.command === 'compare';
  if (wantsCompare && q.all && regions.length === 0) {
    return compareAnswer([...regionById.keys()].map((id) => ({ id })), lang);
  }
  if (q.ambiguous) return ambiguousAnswer(q);
  if (q.groups.length > 0) return groupAnswer(q.groups, regions, lang);
  if (q.command === 'group' && q.all) return groupListAnswer(lang);
  // What the article does not give as asked (a ranking, a region's own figure) is said on the card first.
  const ranking = q.topics.has('ranking');
  if (regions.length >= 2) return compareAnswer(regions, lang, { ranking });
  if (regions.length === 1) {
    return keywords.has('path') || q.command === 'path' ? regionPathAnswer(regions[0], lang) : regionAnswer(regions[0], lang, 'region', { ranking, metricIds: q.metrics });
  }
  if (q.notCovered.length > 0) return notCoveredAnswer(q);
  if (q.topics.has('publisher')) return aboutAnswer(lang, { publisher: true });
  if (q.people.length > 0) return personAnswer(q.people, lang);
  if (q.indicators.length > 0) return indicatorAnswer(q.indicators, lang);
  if (ranking && q.paths.length === 0 && !keywords.has('path')) return tierAnswer(q.tiers, lang, { ranking, metricIds: q.metrics });
  if (q.tiers.length > 0) return tierAnswer(q.tiers, lang);
  if (q.paths.length > 0) return pathAnswer(q.paths, lang);
  if (q.metrics.length > 0) return metricsAnswer(q.metrics, lang);
  // Before `tier`: `tier map`, 梯队分布图 ask for the map.
  if (keywords.has('map') || q.command === 'map') return mapAnswer(lang);
  if (keywords.has('tier') || q.command === 'tier') return tierAnswer([], lang);
  if (keywords.has('path') || q.command === 'path') return pathAnswer([], lang);
  if (keywords.has('metrics') || q.command === 'metrics') return metricsAnswer([], lang);
  if (wantsCompare) return helpAnswer(lang, MESSAGES[lang].compareNeedsTwo);
  if (keywords.has('group')) return groupListAnswer(lang);
  if (keywords.has('about') || keywords.has('person') || q.command === 'about') return aboutAnswer(lang);
  if (keywords.has('help') || q.leftovers.length === 0) return helpAnswer(lang);
  return unknownAnswer(q);
}

/**
 * Builds the tables the first question would otherwise build (the lexicon and the Chinese conversion
 * tables, tens of milliseconds): `iiot start` calls it while its start-up API calls are under way.
 */
export function prepareCore(): void {
  prepareParser();
}

/** The overview (four tiers with member counts, headline figures, how to ask): Slack's App Home. */
export function overview(lang: Lang): Answer {
  return overviewAnswer(lang);
}
