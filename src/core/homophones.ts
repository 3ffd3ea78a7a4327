import { createRequire } from 'node:module';
import type { Entity } from './lexicon.js';
import { lexicon } from './lexicon.js';

/**
 * Chinese typed with the wrong characters but the right sound (胡北 → 湖北, 河难 → 河南), as pinyin
 * input methods produce. pinyin-pro (about 30 ms to load) is required only when a question has
 * Chinese that matched nothing, so start-up and the common path never pay for it.
 */

type ToPinyin = (text: string) => string[];
let toPinyin: ToPinyin | undefined;

function syllables(text: string): string[] {
  toPinyin ??= (() => {
    const { pinyin } = createRequire(import.meta.url)('pinyin-pro') as typeof import('pinyin-pro');
    return (t: string) => pinyin(t, { toneType: 'none', type: 'array', nonZh: 'removed' });
  })();
  return toPinyin(text);
}

/** Place names are two to four syllables (湖北 hu bei … 乌鲁木齐 wu lu mu qi). */
const MAX_SYLLABLES = 4;

/** The places that Chinese characters in `chunk` sound like, longest first, as they were typed. */
export function soundAlikes(chunk: string): { entity: Entity; typed: string }[] {
  const chars = [...chunk];
  const sounds = syllables(chars.join(''));
  if (sounds.length !== chars.length) return []; // only plain Chinese characters line up one to one
  const found: { entity: Entity; typed: string }[] = [];
  for (let i = 0; i < sounds.length; ) {
    let matched = 0;
    for (let n = Math.min(MAX_SYLLABLES, sounds.length - i); n >= 2 && !matched; n--) {
      const entity = lexicon.latinCompact.get(sounds.slice(i, i + n).join(''));
      if (entity) {
        found.push({ entity, typed: chars.slice(i, i + n).join('') });
        matched = n;
      }
    }
    i += matched || 1;
  }
  return found;
}
