import { readFileSync } from 'node:fs';
import { ConverterFactory } from 'opencc-js/core';
import STCharacters from 'opencc-js/dict/STCharacters';
import TWVariants from 'opencc-js/dict/TWVariants';
import TWVariantsPhrases from 'opencc-js/dict/TWVariantsPhrases';
import { report } from './data.js';
import type { Answer, Card, CardSection } from './types.js';

/**
 * A card in Traditional characters, for a question asked in them (廣東屬於哪個梯隊). OpenCC's full
 * Simplified → Traditional converter holds some 80 MB of phrases; the cards use a few hundred of them,
 * kept in data/hant-phrases.json (test/tools/hant-phrases.ts writes it, test/core/traditional.test.ts
 * checks that every card converts exactly as the full converter would). Built on first use.
 */
const PHRASES_FILE = new URL('../../data/hant-phrases.json', import.meta.url);

/**
 * Names are converted on their own: inside a phrase OpenCC may read a surname as a word
 * (秘书长胡坚波 → 秘書長鬍堅波, 胡 taken as 鬍 "beard").
 */
export const NAMES = [...report.people.map((p) => p.zh), report.source.reporter.zh, report.source.intern.zh, report.source.editor.zh];
const NAME_SPLIT = new RegExp(`(${NAMES.join('|')})`);

let convert: ((s: string) => string) | undefined;

function converter(): (s: string) => string {
  const phrases: string = JSON.parse(readFileSync(PHRASES_FILE, 'utf8')).phrases;
  return ConverterFactory([phrases, STCharacters], [TWVariantsPhrases, TWVariants]);
}

/** Simplified → Traditional (Taiwan standard characters), names kept whole. */
export function toTraditional(text: string): string {
  const c = (convert ??= converter());
  return text.split(NAME_SPLIT).map(c).join('');
}

function sectionInTraditional(s: CardSection): CardSection {
  const t = toTraditional;
  return {
    ...s,
    ...(s.heading !== undefined && { heading: t(s.heading) }),
    ...(s.text !== undefined && { text: t(s.text) }),
    ...(s.items && { items: s.items.map(t) }),
    ...(s.fields && { fields: s.fields.map((f) => ({ label: t(f.label), value: t(f.value) })) }),
  };
}

/**
 * The card's words in Traditional characters; its buttons ask in them too (`--lang zh-hant`). The
 * picture keeps its Simplified words (its font is cut to the characters pictures draw); its alt text,
 * which is not drawn, is converted.
 */
export function inTraditional(a: Answer): Answer {
  if (a.lang !== 'zh') return a;
  const t = toTraditional;
  const card: Card = {
    ...a.card,
    title: t(a.card.title),
    ...(a.card.subtitle !== undefined && { subtitle: t(a.card.subtitle) }),
    sections: a.card.sections.map(sectionInTraditional),
    ...(a.card.source !== undefined && { source: t(a.card.source) }),
    ...(a.card.followUp !== undefined && { followUp: t(a.card.followUp) }),
    ...(a.card.image && { image: { ...a.card.image, alt: t(a.card.image.alt) } }),
    actions: a.card.actions.map((x) => ({ ...x, label: t(x.label), command: x.command.replace(/--lang zh$/, '--lang zh-hant') })),
  };
  return { ...a, card };
}
