/**
 * Draws a card's picture: its scene (svg.ts: the build-time layout with this picture's colours and
 * words) composed from masks (masks.ts, compose.ts), written as a paletted PNG (png.ts).
 * Nothing imports this module statically: src/pictures/index.ts loads it with the first picture the
 * build did not draw whole (built.ts).
 */
import type { CardImage, Lang } from '../core/types.js';
import { compose } from './compose.js';
import { Masks, readMaskFile } from './masks.js';
import { composedPng } from './png.js';
import { pictureScene } from './svg.js';

let kept: Masks | undefined;
/** The masks `npm run build` drew (masks.bin), and those drawn since: read with the first picture composed. */
export const masks = (): Masks => (kept ??= new Masks(readMaskFile()));

export function drawPng(image: CardImage, lang: Lang): Promise<Buffer> {
  return composedPng(compose(pictureScene(image, lang), masks()));
}
