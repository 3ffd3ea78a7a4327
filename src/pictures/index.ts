/**
 * Card pictures as PNG bytes, drawn once per (picture, language) and kept: the only entry point
 * adapters, the console and the CLI use. The drawing code (the layout, the masks, compose.ts) loads
 * with the first picture the build did not draw whole, never at start-up.
 */
import { readFile } from 'node:fs/promises';
import type { CardImage, Lang } from '../core/types.js';

export interface Png {
  /** Stable for the same picture, words and language: a cache key, a file name, an upload's identity. */
  id: string;
  bytes: Buffer;
}

import { pictureId } from './id.js';

export { pictureId };

/**
 * The pictures `npm run build` drew whole (built.ts: every answer's about a region, a tier, the map or
 * a grouping), by id: read, not drawn, and without loading the drawing code. None when the sources
 * run as they are (tests).
 */
export const BUILT_PICTURES = new URL('./built/', import.meta.url);
async function readBuilt(id: string): Promise<Buffer | undefined> {
  try {
    return await readFile(new URL(`${id}.png`, BUILT_PICTURES));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
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
 * Pictures that may wait to be drawn. Sized from what drawing costs: a new map takes ~35 ms warm
 * (`npm run bench -- --only pictures`), so 160 waiting are about 6 s of drawing. At 10 new pictures
 * a second the queue empties far faster than it fills; the bound only bites when drawing falls far
 * behind (a burst, a slow machine), and then a picture is shed rather than arriving late.
 * Each waiting picture holds only what to draw, not its PNG.
 */
export const MAX_WAITING_PICTURES = 160;

/**
 * PNG bytes kept for pictures asked for again. A map is ~120 KB and drawing it again ~35 ms, so
 * 4 MB (about 30 maps: the newest regions and comparisons) buys most of the hits for little memory.
 */
export const MAX_KEPT_BYTES = 4 * 1024 * 1024;

export interface PictureOptions {
  /** Distinct pictures kept, at most (besides maxBytes). */
  maxEntries?: number;
  /** PNG bytes kept, at most: the least recently used pictures go first. */
  maxBytes?: number;
  /** Pictures waiting to be drawn beyond the one being drawn; past that a card goes without (PicturesBusy). */
  maxQueue?: number;
}

interface Kept {
  png: Promise<Png>;
  /** Its PNG's size once drawn. */
  bytes: number;
}

/**
 * Draws one picture at a time (each composes into one shared canvas, compose.ts) and keeps the
 * newest within `maxEntries` and `maxBytes`. Concurrent requests for the same picture share one
 * drawing.
 */
export class Pictures {
  private readonly done = new Map<string, Kept>();
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private keptBytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly maxQueue: number;

  constructor(options: PictureOptions = {}) {
    this.maxEntries = options.maxEntries ?? Infinity;
    this.maxBytes = options.maxBytes ?? MAX_KEPT_BYTES;
    this.maxQueue = options.maxQueue ?? MAX_WAITING_PICTURES;
  }

  png(image: CardImage, lang: Lang): Promise<Png> {
    const id = pictureId(image, lang);
    const hit = this.done.get(id);
    if (hit) {
      this.done.delete(id); // re-inserted as the newest
      this.done.set(id, hit);
      return hit.png;
    }
    if (this.waiting >= this.maxQueue) return Promise.reject(new PicturesBusy(this.waiting));
    this.waiting++;
    const drawing = this.queue.then(async () => {
      this.waiting--; // its turn: no longer waiting
      const built = await readBuilt(id);
      if (built) return { id, bytes: built };
      const { drawPng } = await loadRenderer();
      return { id, bytes: await drawPng(image, lang) };
    });
    this.queue = drawing.catch(() => undefined);
    const kept: Kept = { png: drawing, bytes: 0 };
    this.done.set(id, kept);
    drawing.then(
      (png) => {
        if (this.done.get(id) !== kept) return; // already dropped
        kept.bytes = png.bytes.length;
        this.keptBytes += kept.bytes;
        this.evict();
      },
      // A failed drawing is forgotten, so the next card tries again.
      () => this.drop(id, kept),
    );
    this.evict();
    return drawing;
  }

  private drop(id: string, kept: Kept): void {
    if (this.done.get(id) !== kept) return;
    this.done.delete(id);
    this.keptBytes -= kept.bytes;
  }

  /** Least recently used first, while over either bound (the newest stays, whatever its size). */
  private evict(): void {
    for (const [id, kept] of this.done) {
      if (this.done.size <= 1 || (this.done.size <= this.maxEntries && this.keptBytes <= this.maxBytes)) break;
      this.drop(id, kept);
    }
  }

  /** Resolves once no drawing is under way. */
  async close(): Promise<void> {
    await this.queue;
  }

  /** Pictures kept (tests, the bench). */
  get size(): number {
    return this.done.size;
  }

  /** PNG bytes kept (tests, the bench). */
  get bytes(): number {
    return this.keptBytes;
  }
}
