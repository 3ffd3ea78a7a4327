import * as OpenCC from 'opencc-js/t2cn';

/**
 * Text as people type it in chat → one canonical form for matching: chat markup stripped,
 * full-width folded (NFKC), traditional → simplified Chinese, lower case, accents removed.
 */

/** Longest text we try to understand; anything past it is noise and would only cost time. */
export const MAX_QUESTION_CHARS = 500;

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
export const hasCjk = (s: string): boolean => CJK.test(s);

// Slack user mentions (<@U123> / <@U123|name>), Feishu placeholders (@_user_1, @_all).
const MENTIONS = /<@[A-Z0-9]+(?:\|[^>]*)?>|@_user_\d+|@_all\b/g;
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;

/** The question with platform mention markup, control characters and a leading `/iiot` removed. */
export function stripChatMarkup(raw: string): string {
  return raw
    .slice(0, MAX_QUESTION_CHARS * 4)
    .replace(MENTIONS, ' ')
    .replace(CONTROL, ' ')
    .replace(/^\s*[/／]\s*iiot\b/i, '')
    .replace(/\s+/g, ' ')
    .trim();
}

let toSimplified: ((s: string) => string) | undefined;

/**
 * Traditional → simplified. The converter is built on first use, by the lexicon (src/core/lexicon.ts):
 * tens of milliseconds, which `iiot start` spends while its first API calls are under way.
 */
function simplify(s: string): string {
  const convert = (toSimplified ??= OpenCC.Converter({ from: 'hk', to: 'cn' }));
  return convert(s);
}

/** Text with characters that differ in Simplified Chinese (廣東, 屬於): the user writes Traditional. */
export function isTraditional(text: string): boolean {
  if (!hasCjk(text)) return false;
  const s = text.slice(0, MAX_QUESTION_CHARS).normalize('NFKC');
  return simplify(s) !== s;
}

/** Canonical matching form of already-stripped text. */
export function normalize(text: string): string {
  let s = text.slice(0, MAX_QUESTION_CHARS).normalize('NFKC');
  if (hasCjk(s)) s = simplify(s);
  return s
    // Tone marks are the one thing that tells 山西 Shānxī from 陕西 Shǎnxī: read them before they go.
    .replace(/sh[āĀ]n\s*x[īi]/gi, '山西')
    .replace(/sh[ǎǍ]n\s*x[īi]/gi, '陕西')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '') // pinyin tone marks: Hú Běi → hu bei
    .normalize('NFC')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'");
}

/** Latin words of a normalised text: letters and digits, apostrophes dropped, possessive 's removed. */
export function latinWords(s: string): string[] {
  return s
    .replace(/'s\b/g, '')
    .replace(/'/g, '')
    .split(/[^a-z0-9+]+/)
    .filter(Boolean);
}

/** Canonical key of a name: lower-case Latin words joined by one space (CJK is kept as it is). */
export function nameKey(name: string): string {
  return hasCjk(name) ? normalize(name).replace(/\s+/g, '') : latinWords(normalize(name)).join(' ');
}
