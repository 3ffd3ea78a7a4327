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

/** The generator's range (test/tools/sound-index.ts): the CJK Unified Ideographs. */
const FIRST = 0x4e00;
const LAST = 0x9fa5;

/**
 * The index as the parser reads it. The file's object of some 11,000 characters, each with its own
 * array, took 1.6 MB of heap; here one number per character of the range points to one shared
 * array per distinct set of readings (about 500): a tenth of that.
 */
interface SoundTable {
  places: SoundIndex['places'];
  readingsOf(ch: string): readonly string[] | undefined;
}

function compact({ places, chars }: SoundIndex): SoundTable {
  const ids = new Uint16Array(LAST - FIRST + 1);
  const sets: string[][] = [[]]; // id 0: no reading
  const idOf = new Map<string, number>();
  for (const ch in chars) {
    const readings = chars[ch]!;
    const key = readings.join(' ');
    let id = idOf.get(key);
    if (id === undefined) idOf.set(key, (id = sets.push(readings) - 1));
    ids[ch.charCodeAt(0) - FIRST] = id;
  }
  return {
    places,
    readingsOf(ch) {
      const at = ch.charCodeAt(0) - FIRST;
      const id = ch.length === 1 && at >= 0 && at < ids.length ? ids[at]! : 0;
      return id === 0 ? undefined : sets[id];
    },
  };
}

let table: SoundTable | undefined;
const soundTable = (): SoundTable =>
  (table ??= compact(JSON.parse(readFileSync(new URL('./sound-index.json', import.meta.url), 'utf8')) as SoundIndex));

/** Place names are two to four syllables (湖北 hu bei … 乌鲁木齐 wu lu mu qi). */
const MAX_SYLLABLES = 4;

/** What a run of characters may sound like: every way of reading it, joined (polyphones branch). */
function soundsOf(chars: string[], readingsOf: SoundTable['readingsOf']): string[] {
  let sounds = [''];
  for (const ch of chars) {
    const readings = readingsOf(ch);
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
  const { readingsOf, places } = soundTable();
  const chars = [...chunk];
  const found: { entity: Entity; typed: string }[] = [];
  for (let i = 0; i < chars.length; ) {
    let matched = 0;
    for (let n = Math.min(MAX_SYLLABLES, chars.length - i); n >= 2 && !matched; n--) {
      for (const sound of soundsOf(chars.slice(i, i + n), readingsOf)) {
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
