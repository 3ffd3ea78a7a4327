/**
 * What `npm run build` draws (src/bin/build.mjs runs writeBuilt from the built modules), for every
 * picture the bot's answers carry for a region, a tier, the tiers, the map and each grouping, in both
 * languages: each mark's mask, into masks.bin (masks.ts), and each of these pictures whole, as
 * built/<picture id>.png beside this module. The data never changes while a build is in use, so
 * these pictures are never drawn at run time, by any replica; a comparison's (its title, its
 * regions) is composed from the masks when first asked for, its title drawn then.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { groupings, report } from '../core/data.js';
import { handle } from '../core/handle.js';
import type { CardImage, Lang } from '../core/types.js';
import { compose } from './compose.js';
import { pictureId } from './id.js';
import { BUILT_PICTURES } from './index.js';
import { Masks, writeMaskFile } from './masks.js';
import { composedPng } from './png.js';
import { pictureScene, type Scene } from './svg.js';

const QUESTIONS: Record<Lang, string[]> = {
  zh: ['地图', '梯队', ...report.tiers.map((t) => t.zh), ...report.regions.map((r) => r.zh), ...groupings.groupings.map((g) => g.zh)],
  en: ['map', 'tiers', ...report.tiers.map((t) => t.en), ...report.regions.map((r) => r.en), ...groupings.groupings.map((g) => g.en)],
};

export interface BuiltPicture {
  image: CardImage;
  lang: Lang;
  scene: Scene;
}

export function builtPictures(): BuiltPicture[] {
  return Object.entries(QUESTIONS).flatMap(([lang, questions]) => questions.flatMap((text) => {
    const answer = handle({ text, platform: 'cli' });
    const image = answer.card.image;
    return image && answer.lang === lang ? [{ image, lang: answer.lang, scene: pictureScene(image, answer.lang) }] : [];
  }));
}

/** Draws the masks into masks.bin and the pictures into built/; returns how many of each. */
export async function writeBuilt(): Promise<{ masks: number; pictures: number }> {
  const pictures = builtPictures();
  const masks = new Masks(writeMaskFile(pictures.map((p) => p.scene)));
  mkdirSync(BUILT_PICTURES, { recursive: true });
  const ids = new Set<string>();
  for (const { image, lang, scene } of pictures) {
    const id = pictureId(image, lang);
    if (ids.has(id)) continue;
    ids.add(id);
    writeFileSync(new URL(`${id}.png`, BUILT_PICTURES), await composedPng(compose(scene, masks)));
  }
  return { masks: masks.size, pictures: ids.size };
}
