/**
 * Builds src/core/sound-index.json, the small table that lets the parser read a place typed by sound
 * with the wrong characters (胡北 → 湖北). Run `node --import tsx test/tools/sound-index.ts` after
 * changing the places in data/; test/core/sound-index.test.ts fails while the file is out of date.
 *
 * pinyin-pro is a development dependency only: the full dictionary costs ~26 MB of memory at run time,
 * the table it yields here a few hundred kilobytes.
 */
import { writeFileSync } from 'node:fs';
import { pinyin } from 'pinyin-pro';
import { report } from '../../src/core/data.js';

export interface SoundIndex {
  /** Every place name, Chinese, keyed by its toneless pinyin (山西 and 陕西 share `shanxi`). */
  places: Record<string, string[]>;
  /** For each character that can sound like a syllable of a place name: those readings. */
  chars: Record<string, string[]>;
}

const readings = (text: string): string[][] => [...text].map((ch) => pinyin(ch, { toneType: 'none', type: 'array', multiple: true }));

export function buildSoundIndex(): SoundIndex {
  const names = report.regions.flatMap((r) => [r.zh, ...r.cities.map((c) => c.zh)]);
  const places: Record<string, string[]> = {};
  const syllables = new Set<string>();
  for (const name of names) {
    const sounds = pinyin(name, { toneType: 'none', type: 'array' });
    sounds.forEach((s) => syllables.add(s));
    (places[sounds.join('')] ??= []).push(name);
  }
  const chars: Record<string, string[]> = {};
  for (let code = 0x4e00; code <= 0x9fa5; code++) {
    const ch = String.fromCharCode(code);
    const useful = [...new Set(readings(ch)[0])].filter((s) => syllables.has(s)).sort();
    if (useful.length > 0) chars[ch] = useful;
  }
  return { places: Object.fromEntries(Object.entries(places).sort()), chars };
}

export const SOUND_INDEX_FILE = new URL('../../src/core/sound-index.json', import.meta.url);

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(SOUND_INDEX_FILE, `${JSON.stringify(buildSoundIndex())}\n`);
  console.log(`wrote ${SOUND_INDEX_FILE.pathname}`);
}
