import { regionById } from './data.js';
import {
  aboutAnswer, ambiguousAnswer, compareAnswer, groupAnswer, groupListAnswer, helpAnswer, indicatorAnswer, metricsAnswer, notCoveredAnswer,
  overviewAnswer, pathAnswer, personAnswer, regionAnswer, regionPathAnswer, tierAnswer, unknownAnswer,
} from './cards.js';
import { answerFollowUp, contextOf } from './followup-answer.js';
import { readFollowUp } from './followup.js';
import { MESSAGES } from './i18n.js';
import { parse, prepareParser, type Query } from './parse.js';
import { mapAnswer, withPicture } from './pictures.js';
import { inTraditional } from './traditional.js';
import type { Answer, ConversationContext, Inbound, Lang, Turn } from './types.js';

/**
 * THE handler: every platform's question, and every button click, comes through here, with the
 * context its conversation kept from the previous answer (if any). Pure and synchronous: text and
 * context in, the answer and the context to keep out, no I/O. A question that stands on its own is
 * answered the same with or without a context; a follow-up (`它的路径呢`, `add shaanxi`) is answered
 * from the context by followup-answer.ts.
 */
export function converse(inbound: Inbound, context?: ConversationContext): Turn {
  const query = parse(inbound.text ?? '', inbound.lang, inbound.locale, inbound.fallbackLang);
  const followUp = readFollowUp(inbound.text ?? '', query);
  const turn = followUp ? answerFollowUp(followUp, query, context, standalone) : standalone(query, context);
  // A question in Traditional characters is answered in them, a follow-up's answer too.
  return query.traditional ? { ...turn, answer: inTraditional(turn.answer) } : turn;
}

/** A question on its own, outside any conversation (`iiot ask`, the App Home overview's buttons). */
export function handle(inbound: Inbound): Answer {
  return converse(inbound).answer;
}

/** A question answered on its own; one with nothing to keep (help, not understood) keeps the conversation's context. */
function standalone(query: Query, context?: ConversationContext): Turn {
  const answer = withPicture(answerFor(query));
  return { answer, context: contextOf(answer) ?? context };
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
