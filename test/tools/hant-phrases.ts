/**
 * Writes data/hant-phrases.json: the phrases of OpenCC's Simplified → Traditional dictionary that occur
 * in the bot's Chinese cards, so src/core/traditional.ts converts cards exactly as the full converter
 * would without loading its 80 MB of phrases. Run `node --import tsx test/tools/hant-phrases.ts` after
 * changing data/ or the cards' wording; test/core/traditional.test.ts fails while the file is out of date.
 */
import { writeFileSync } from 'node:fs';
import STPhrases from 'opencc-js/dict/STPhrases';
import { NAMES } from '../../src/core/traditional.js';
import { chineseCardTexts } from '../support/all-answers.js';

export const PHRASES_FILE = new URL('../../data/hant-phrases.json', import.meta.url);

/** Every phrase of the dictionary whose Simplified form occurs in `texts` (names left out: they are converted alone). */
export function phrasesIn(texts: string[]): string {
  const corpus = texts.join('\n').split(new RegExp(NAMES.join('|'))).join('\n');
  return STPhrases.split('|').filter((entry) => corpus.includes(entry.slice(0, entry.indexOf(' ')))).join('|');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const phrases = phrasesIn(chineseCardTexts());
  writeFileSync(PHRASES_FILE, `${JSON.stringify({ source: 'opencc-js dict/STPhrases, the entries the cards use (test/tools/hant-phrases.ts)', phrases }, null, 1)}\n`);
  console.log(`${phrases.split('|').length} phrases`);
}
