/**
 * The masks `npm run build` draws into masks.bin (src/bin/build.mjs runs writeBuiltMasks from the
 * built modules): those of every picture the bot's answers carry for a region, a tier, the tiers, the
 * map and each grouping, in both languages, titles included. A comparison's title is the one thing
 * left to draw on first use.
 */
import { groupings, report } from '../core/data.js';
import { handle } from '../core/handle.js';
import type { Lang } from '../core/types.js';
import { writeMaskFile } from './masks.js';
import { pictureScene, type Scene } from './svg.js';

const QUESTIONS: Record<Lang, string[]> = {
  zh: ['地图', '梯队', ...report.tiers.map((t) => t.zh), ...report.regions.map((r) => r.zh), ...groupings.groupings.map((g) => g.zh)],
  en: ['map', 'tiers', ...report.tiers.map((t) => t.en), ...report.regions.map((r) => r.en), ...groupings.groupings.map((g) => g.en)],
};

export function builtScenes(): Scene[] {
  return Object.entries(QUESTIONS).flatMap(([lang, questions]) => questions.flatMap((text) => {
    const answer = handle({ text, platform: 'cli' });
    const image = answer.card.image;
    return image && answer.lang === lang ? [pictureScene(image, answer.lang)] : [];
  }));
}

/** Draws them into masks.bin beside masks.ts; returns how many masks it holds. */
export const writeBuiltMasks = (): number => writeMaskFile(builtScenes());
