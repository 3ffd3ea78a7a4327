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

/** The identity of what is drawn: the picture, its words and its language (not the alt text). */
export function pictureId(image: CardImage, lang: Lang): string {
  const drawn = JSON.stringify([lang, image.picture, image.title, image.legend, image.note ?? null]);
  return createHash('sha256').update(drawn).digest('hex').slice(0, 24);
}

type Draw = typeof import('./draw.js');
let renderer: Promise<Draw> | undefined;
const loadRenderer = (): Promise<Draw> => (renderer ??= import('./draw.js'));

export class PicturesBusy extends Error {}

export interface PictureOptions {
  /** Distinct pictures kept (each ~20–120 KB). Regions, tiers and the map are ~80; comparisons add more. */
  maxEntries?: number;
  /** Pictures waiting to be drawn beyond the one being drawn; past that a card goes without. */
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
    this.maxQueue = options.maxQueue ?? 16;
  }

  png(image: CardImage, lang: Lang): Promise<Png> {
    const id = pictureId(image, lang);
    const hit = this.done.get(id);
    if (hit) {
      this.done.delete(id); // re-inserted as the newest
      this.done.set(id, hit);
      return hit;
    }
    if (this.waiting >= this.maxQueue) return Promise.reject(new PicturesBusy(`${this.waiting} pictures already waiting`));
    this.waiting++;
    const drawing = this.queue.then(async () => {
      try {
        const { drawPng } = await loadRenderer();
        return { id, bytes: await drawPng(image, lang) };
      } finally {
        this.waiting--;
      }
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
