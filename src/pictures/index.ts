/**
 * Card pictures as PNG bytes, drawn once per (picture, language) and kept: the only entry point
 * adapters, the console and the CLI use. The renderer (resvg, the layout) loads on the first
 * picture, never at start-up.
 */
import { createHash } from 'node:crypto';
import type { CardImage, Lang } from '../core/types.js';

export interface Png {
  /** Stable for the same picture, words and language: a cache key, a file name, an upload's identity. */
  id: string;
  bytes: Buffer;
}

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

type Draw = typeof import('./draw.js');
let renderer: Promise<Draw> | undefined;
const loadRenderer = (): Promise<Draw> => (renderer ??= import('./draw.js'));

/** A picture refused because the drawing queue is full: shed, not a drawing that failed. */
export class PicturesBusy extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} pictures already waiting to be drawn`);
  }
}

/**
 * Pictures that may wait to be drawn. Sized from what drawing costs: a warm map takes ~60 ms
 * (`npm run bench -- --only pictures`), so 160 waiting are about 10 s of drawing. At 10 new pictures
 * a second the queue empties as fast as it fills; the bound only bites when drawing falls far
 * behind (a burst, a slow machine), and then a picture is shed rather than arriving minutes late.
 * Each waiting picture holds only what to draw, not its PNG.
 */
export const MAX_WAITING_PICTURES = 160;

export interface PictureOptions {
  /** Distinct pictures kept (each ~20–120 KB). Regions, tiers and the map are ~80; comparisons add more. */
  maxEntries?: number;
  /** Pictures waiting to be drawn beyond the one being drawn; past that a card goes without (PicturesBusy). */
  maxQueue?: number;
}

/**
 * Draws one picture at a time (each holds ~22 MB while it is rasterised: resvg's pixmap and its copy
 * in a Buffer) and keeps the newest `maxEntries`. Concurrent requests for the same picture share one
 * drawing.
 */
export class Pictures {
  private readonly done = new Map<string, Promise<Png>>();
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private readonly maxEntries: number;
  private readonly maxQueue: number;

  constructor(options: PictureOptions = {}) {
    this.maxEntries = options.maxEntries ?? 128;
    this.maxQueue = options.maxQueue ?? MAX_WAITING_PICTURES;
  }

  png(image: CardImage, lang: Lang): Promise<Png> {
    const id = pictureId(image, lang);
    const hit = this.done.get(id);
    if (hit) {
      this.done.delete(id); // re-inserted as the newest
      this.done.set(id, hit);
      return hit;
    }
    if (this.waiting >= this.maxQueue) return Promise.reject(new PicturesBusy(this.waiting));
    this.waiting++;
    const drawing = this.queue.then(async () => {
      this.waiting--; // its turn: no longer waiting
      const { drawPng } = await loadRenderer();
      return { id, bytes: await drawPng(image, lang) };
    });
    this.queue = drawing.catch(() => undefined);
    this.done.set(id, drawing);
    // A failed drawing is forgotten, so the next card tries again.
    drawing.catch(() => this.done.delete(id));
    for (const key of this.done.keys()) {
      if (this.done.size <= this.maxEntries) break;
      this.done.delete(key);
    }
    return drawing;
  }

  /** Resolves once no drawing is under way (nothing else holds the process: resvg draws on libuv's pool). */
  async close(): Promise<void> {
    await this.queue;
  }

  /** Pictures kept (tests, the bench). */
  get size(): number {
    return this.done.size;
  }
}
