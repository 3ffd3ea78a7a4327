/** A picture's identity: what is drawn (the picture, its words, its language), not its alt text. */
import { createHash } from 'node:crypto';
import type { CardImage, Lang } from '../core/types.js';

/** Answers reused from a memo carry the same image object: its id is worked out once. */
const ids = new WeakMap<CardImage, { lang: Lang; id: string }>();

/** The identity of what is drawn: the picture, its words and its language (not the alt text). */
export function pictureId(image: CardImage, lang: Lang): string {
  const kept = ids.get(image);
  if (kept?.lang === lang) return kept.id;
  const drawn = JSON.stringify([lang, image.picture, image.title, image.legend, image.note ?? null]);
  const id = createHash('sha256').update(drawn).digest('hex').slice(0, 24);
  ids.set(image, { lang, id });
  return id;
}
