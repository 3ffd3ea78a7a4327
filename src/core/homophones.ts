import { readFileSync } from 'node:fs';
import { lexicon, type Entity } from './lexicon.js';

/**
 * Chinese typed with the wrong characters but the right sound (胡北 → 湖北, 河难 → 河南), as pinyin
 * input methods produce. The table is generated from pinyin-pro by test/tools/sound-index.ts: only
 * the characters that can sound like a syllable of a place name, read on first use.
 */
interface SoundIndex {
  places: Record<string, string[]>;
  chars: Record<string, string[]>;
}

let index: SoundIndex | undefined;
const soundIndex = (): SoundIndex =>
  (index ??= JSON.parse(readFileSync(new URL('./sound-index.json', import.meta.url), 'utf8')) as SoundIndex);

/** Place names are two to four syllables (湖北 hu bei … 乌鲁木齐 wu lu mu qi). */
const MAX_SYLLABLES = 4;

/** What a run of characters may sound like: every way of reading it, joined (polyphones branch). */
function soundsOf(chars: string[], table: SoundIndex['chars']): string[] {
  let sounds = [''];
  for (const ch of chars) {
    const readings = table[ch];
    if (!readings) return [];
    sounds = sounds.flatMap((s) => readings.map((r) => s + r));
  }
  return sounds;
}

function placeFor(sound: string, places: SoundIndex['places']): Entity | undefined {
  const names = places[sound];
  if (!names) return undefined;
  // Two places, one sound (山西/陕西 shanxi): the ambiguous entry asks which.
  return names.length === 1 ? lexicon().cjk.get(names[0]) : lexicon().latin.get(sound);
}

/** The places that the Chinese characters of `chunk` sound like, longest first, as they were typed. */
export function soundAlikes(chunk: string): { entity: Entity; typed: string }[] {
  const { chars: table, places } = soundIndex();
  const chars = [...chunk];
  const found: { entity: Entity; typed: string }[] = [];
  for (let i = 0; i < chars.length; ) {
    let matched = 0;
    for (let n = Math.min(MAX_SYLLABLES, chars.length - i); n >= 2 && !matched; n--) {
      for (const sound of soundsOf(chars.slice(i, i + n), table)) {
        const entity = placeFor(sound, places);
        if (entity) {
          found.push({ entity, typed: chars.slice(i, i + n).join('') });
          matched = n;
          break;
        }
      }
    }
    i += matched || 1;
  }
  return found;
}
