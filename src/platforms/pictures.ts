/**
 * A card's picture for the chat platforms: drawn (drawPicture, a failure logged once), and where an
 * upload may be reused, uploaded once and remembered in the shared Store, so replicas and restarts
 * reuse it. Feishu's image keys serve every chat of the app (UploadedPictures); Slack uploads into each
 * conversation instead, since a Slack file is seen only where it was shared (slack/pictures.ts). The
 * upload call is passed in and goes through the adapter's outbox like any reply. A picture that cannot
 * be drawn or uploaded is left out; the card, which says everything the picture shows, has already
 * gone out.
 */
import type { CardImage, Lang } from '../core/types.js';
import type { Store } from '../infra/store.js';
import type { Logger } from '../infra/log.js';
import { pictureId, type Pictures, type Png } from '../pictures/index.js';

/** Uploaded pictures stay where they are; a month is a bound on the Store's memory, not on the file. */
const UPLOAD_TTL_MS = 30 * 24 * 3600_000;

/** Uploads in `conversation`'s queue; the platform's id, or undefined once the failure was logged. */
export type Upload = (png: Png, image: CardImage, conversation: string) => Promise<string | undefined>;

export class UploadedPictures {
  private readonly inFlight = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly platform: 'slack' | 'feishu',
    private readonly deps: { store: Store; logger: Logger; pictures: Pictures },
    private readonly upload: Upload,
  ) {}

  /** The platform's id for this picture in `scope` (a team, an app), if it was uploaded before. */
  async known(image: CardImage, lang: Lang, scope: string): Promise<string | undefined> {
    return this.deps.store.get(this.key(image, lang, scope)).catch(() => undefined);
  }

  /** The platform's id for this picture in `scope`, uploading it the first time (for `conversation`). */
  async idFor(image: CardImage, lang: Lang, scope: string, conversation: string): Promise<string | undefined> {
    const key = this.key(image, lang, scope);
    const known = await this.deps.store.get(key).catch(() => undefined);
    if (known) return known;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.drawAndUpload(key, image, lang, conversation).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private key(image: CardImage, lang: Lang, scope: string): string {
    return `${this.platform}:picture:${scope}:${pictureId(image, lang)}`;
  }

  private async drawAndUpload(key: string, image: CardImage, lang: Lang, conversation: string): Promise<string | undefined> {
    const { logger, store } = this.deps;
    const png = await drawPicture(this.platform, this.deps, image, lang);
    if (!png) return undefined;
    const id = await this.upload(png, image, conversation);
    if (id) await store.set(key, id, UPLOAD_TTL_MS).catch((err: unknown) => logger.warn(`${this.platform}: could not remember a picture upload:`, describe(err)));
    return id;
  }
}

/** The picture's PNG, or undefined once a failed drawing was logged (the card goes without it). */
export async function drawPicture(
  platform: 'slack' | 'feishu', deps: { logger: Logger; pictures: Pictures }, image: CardImage, lang: Lang,
): Promise<Png | undefined> {
  try {
    return await deps.pictures.png(image, lang);
  } catch (err) {
    deps.logger.warn(`${platform}: picture left out (${image.picture.kind}, drawing failed):`, describe(err));
    return undefined;
  }
}

function describe(err: unknown): string {
  const e = err as { data?: { error?: string }; message?: string };
  return e?.data?.error ?? e?.message ?? String(err);
}
