/**
 * Pictures the bot serves itself, at `PUBLIC_BASE_URL/pictures/<hash>.png`, for messages that cannot
 * carry a file: Slack's private `/iiot` answers show theirs by `image_url`, and Slack fetches it from
 * here. Only hashes the bot has issued are served (anything else is a 404): each is remembered, in a
 * bounded map and in the Store (Slack's fetch may reach another replica, or come after a restart),
 * with what to draw, so the PNG comes from the renderer's cache or is drawn again on demand.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CardImage, Lang } from '../core/types.js';
import { refuse, type Route } from '../infra/http-server.js';
import type { Logger } from '../infra/log.js';
import type { Store } from '../infra/store.js';
import { pictureId, PicturesBusy, type Pictures } from '../pictures/index.js';

export const PICTURES_PATH = '/pictures/';
/** Issued pictures kept in memory; regions, tiers and the map are ~80 per language. */
const MAX_ISSUED = 512;
/** A private answer lives as long as the asker's window; a week covers Slack fetching it again. */
const ISSUED_TTL_MS = 7 * 24 * 3600_000;
/** The same hash always draws the same PNG: clients and Slack's proxy may keep it for good. */
const CACHE_CONTROL = 'public, max-age=31536000, immutable';
const PATH = /^\/pictures\/([0-9a-f]{24})\.png$/;

interface Drawn { image: CardImage; lang: Lang }

export class PictureLinks {
  private readonly issued = new Map<string, Drawn>();

  constructor(
    private readonly baseUrl: string,
    private readonly deps: { store: Store; logger: Logger; pictures: Pictures },
  ) {}

  /** The picture's public URL; from now on the route serves it. */
  urlFor(image: CardImage, lang: Lang): string {
    const id = pictureId(image, lang);
    this.remember(id, { image, lang });
    return `${this.baseUrl}${PICTURES_PATH}${id}.png`;
  }

  /** `GET /pictures/<hash>.png`, mounted on the bot's HTTP server. */
  get route(): Route {
    return { path: PICTURES_PATH, prefix: true, listener: (req, res) => void this.serve(req, res) };
  }

  private remember(id: string, drawn: Drawn): void {
    const known = this.issued.delete(id);
    this.issued.set(id, drawn); // the newest last: the oldest goes first
    if (this.issued.size > MAX_ISSUED) this.issued.delete(this.issued.keys().next().value!);
    if (!known) {
      void this.deps.store.set(storeKey(id), JSON.stringify(drawn), ISSUED_TTL_MS)
        .catch((err: unknown) => this.deps.logger.warn('pictures: could not remember a picture link:', (err as Error)?.message ?? err));
    }
  }

  private async lookUp(id: string): Promise<Drawn | undefined> {
    const kept = this.issued.get(id);
    if (kept) return kept;
    const stored = await this.deps.store.get(storeKey(id)).catch(() => undefined);
    if (!stored) return undefined;
    try {
      const drawn = JSON.parse(stored) as Drawn;
      // Only what hashes to the path is drawn.
      return pictureId(drawn.image, drawn.lang) === id ? drawn : undefined;
    } catch {
      return undefined;
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405);
    const id = PATH.exec((req.url ?? '').split('?')[0])?.[1];
    const drawn = id && (await this.lookUp(id));
    if (!drawn) return refuse(res, 404);
    let bytes: Buffer;
    try {
      bytes = (await this.deps.pictures.png(drawn.image, drawn.lang)).bytes;
    } catch (err) {
      this.deps.logger.warn(`pictures: ${id}.png not served (${err instanceof PicturesBusy ? 'shed' : 'drawing failed'}):`, (err as Error)?.message ?? err);
      return void res.writeHead(503, { 'retry-after': '5' }).end();
    }
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length, 'cache-control': CACHE_CONTROL });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }
}

const storeKey = (id: string) => `picture-link:${id}`;
