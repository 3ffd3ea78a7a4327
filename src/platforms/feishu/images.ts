/**
 * A card image is a URL in the neutral card; Feishu cards only show uploaded images (`img_key`).
 * Each URL is fetched and uploaded once, its key kept in the shared Store so other replicas reuse
 * it; a failure leaves the card without its image rather than failing the reply.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../infra/log.js';
import type { Store } from '../../infra/store.js';

export interface ImageUploader {
  /** Uploads image bytes for use in messages; resolves to the image key. */
  upload(bytes: Buffer): Promise<string | undefined>;
}

const MAX_IMAGE_BYTES = 10 * 1024 * 1024; // Feishu's upload limit
/** Message image keys do not expire; a month bounds what a changed picture behind one URL costs. */
const IMAGE_KEY_TTL_MS = 30 * 24 * 60 * 60 * 1000;

async function load(url: string, signal: AbortSignal): Promise<Buffer> {
  if (url.startsWith('file:')) return readFile(fileURLToPath(url), { signal });
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export class ImageKeyCache {
  private readonly keys = new Map<string, Promise<string | undefined>>();

  constructor(private readonly uploader: ImageUploader, private readonly logger: Logger, private readonly shared?: Store) {}

  /**
   * The image key for `url`, or undefined if it could not be had within `timeoutMs` (a card
   * callback has 3 s in all). A slow upload keeps going and serves the next card.
   */
  async keyFor(url: string, timeoutMs: number): Promise<string | undefined> {
    let pending = this.keys.get(url);
    if (!pending) {
      pending = this.fetchAndUpload(url);
      this.keys.set(url, pending);
      // A failed upload is forgotten so a later card can try again.
      pending.then((key) => { if (!key) this.keys.delete(url); }, () => this.keys.delete(url));
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), timeoutMs); });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetchAndUpload(url: string): Promise<string | undefined> {
    // The shared copy is an optimisation: a store that fails costs one more upload, not the image.
    const sharedKey = `feishu:image:${createHash('sha256').update(url).digest('base64url')}`;
    const known = await this.shared?.get(sharedKey).catch(() => undefined);
    if (known) return known;
    try {
      const bytes = await load(url, AbortSignal.timeout(10_000));
      if (bytes.length === 0 || bytes.length > MAX_IMAGE_BYTES) throw new Error(`image ${url} is ${bytes.length} bytes`);
      const key = await this.uploader.upload(bytes);
      if (!key) throw new Error('upload returned no image_key');
      await this.shared?.set(sharedKey, key, IMAGE_KEY_TTL_MS).catch(() => undefined);
      return key;
    } catch (err) {
      this.logger.warn(`feishu: card image left out (${url}):`, err instanceof Error ? err.message : err);
      return undefined;
    }
  }
}
