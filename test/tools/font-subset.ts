/**
 * Builds data/fonts/NotoSansSC-{Regular,Bold}.subset.ttf: Noto Sans SC (OFL, data/fonts/OFL.txt) cut
 * down to the characters pictures can draw, so Chinese never renders as boxes on a machine without
 * CJK fonts, and the 10 MB originals stay a development dependency (@expo-google-fonts/noto-sans-sc).
 * Run `node --import tsx test/tools/font-subset.ts` after changing data/ or picture wording;
 * test/pictures/fonts.test.ts fails while the subset is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import subsetFont from 'subset-font';
import { allAnswers } from '../support/all-answers.js';
import { fixedPictureTexts } from '../../src/pictures/svg.js';
import type { Lang } from '../../src/core/types.js';

const DATA = new URL('../../data/', import.meta.url);
export const CHARACTERS_FILE = new URL('fonts/characters.txt', DATA);
export const SUBSETS = [
  { from: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf', to: new URL('fonts/NotoSansSC-Regular.subset.ttf', DATA) },
  { from: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf', to: new URL('fonts/NotoSansSC-Bold.subset.ttf', DATA) },
];

/** Strings found anywhere in data/report.json: names a picture title may one day carry (a grouping, a city). */
function dataStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(dataStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(dataStrings);
  return [];
}

/** Every character a picture can draw, sorted: printable ASCII, the dataset, every picture's words. */
export function pictureCharacters(): string {
  const langs: Lang[] = ['zh', 'en'];
  const texts = [
    String.fromCharCode(...Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i)),
    '，。、：；（）“”《》—…·→',
    ...dataStrings(JSON.parse(readFileSync(new URL('report.json', DATA), 'utf8'))),
    ...langs.flatMap(fixedPictureTexts),
    ...allAnswers().flatMap((a) => (a.card.image ? [a.card.image.title, ...a.card.image.legend.map((l) => l.label)] : [])),
  ];
  return [...new Set([...texts.join('')].filter((ch) => ch.trim() !== '' || ch === ' '))].sort().join('');
}

/** Name IDs 16/17 (typographic family/subfamily) keep Bold a weight of "Noto Sans SC", not a family of its own. */
const NAME_IDS = [0, 1, 2, 3, 4, 5, 6, 16, 17];

export async function buildSubset(from: string, characters: string): Promise<Buffer> {
  const source = readFileSync(createRequire(import.meta.url).resolve(from));
  return subsetFont(source, characters, { targetFormat: 'sfnt', preserveNameIds: NAME_IDS });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const characters = pictureCharacters();
  writeFileSync(CHARACTERS_FILE, `${characters}\n`);
  for (const { from, to } of SUBSETS) {
    const font = await buildSubset(from, characters);
    writeFileSync(to, font);
    console.log(`wrote ${to.pathname} (${characters.length} characters, ${Math.round(font.length / 1024)} KB)`);
  }
}
