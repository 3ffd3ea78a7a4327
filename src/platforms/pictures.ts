/**
 * A card's picture for the chat platforms, on its way after the card: drawn, uploaded (through the
 * adapter's outbox, like any reply) and put in place. Where an upload may be reused it is uploaded
 * once and remembered in the shared Store, so replicas and restarts reuse it: Feishu's image keys
 * serve every chat of the app (UploadedPictures); Slack uploads into each conversation instead, since
 * a Slack file is seen only where it was shared (slack/pictures.ts).
 *
 * A picture that does not make it is left out (the card, which says everything the picture shows, has
 * already gone out), and every such card is logged once, naming it, and counted in
 * `iiot_replies_dropped_total`: shed from a full drawing queue (`shed`), a drawing or upload that
 * failed, or cut by the shutdown deadline (`failed`). PictureFollowUps keeps that promise.
 */
import type { CardImage, Lang } from '../core/types.js';
import type { Store } from '../infra/store.js';
import type { Logger } from '../infra/log.js';
import type { Platform, Reporter } from '../infra/report.js';
import { pictureId, PicturesBusy, type Pictures, type Png } from '../pictures/index.js';

/** Uploaded pictures stay where they are; a month is a bound on the Store's memory, not on the file. */
const UPLOAD_TTL_MS = 30 * 24 * 3600_000;

/** One card whose picture is still to follow it. */
export interface FollowUp {
  /** What the lines about it name: `picture for om_1 in oc_2`. */
  readonly card: string;
  /** Where it is to go (the outbox's queue for the upload). */
  readonly conversation: string;
  /**
   * What is holding the picture up, for the line if the shutdown deadline cuts it; undefined while
   * a call of its own is in the outbox, which logs that call's loss itself.
   */
  waitingFor?: string;
  /** Set once the shutdown deadline passed and the loss was logged: nothing more is done for it. */
  abandoned?: boolean;
}

/** The pictures still to follow their cards, for one platform. */
export class PictureFollowUps {
  private readonly open = new Set<FollowUp>();

  constructor(
    private readonly platform: Platform,
    private readonly deps: { logger: Logger; report: Reporter; pictures?: Pictures },
  ) {}

  /**
   * Runs `work` for the picture of `card`, which stays open until work settles. Undefined, with
   * nothing more done, once it was abandoned at shutdown.
   */
  async follow<T>(card: string, conversation: string, work: (f: FollowUp) => Promise<T | undefined>): Promise<T | undefined> {
    const f: FollowUp = { card, conversation };
    this.open.add(f);
    try {
      const result = await work(f);
      return f.abandoned ? undefined : result;
    } finally {
      this.open.delete(f);
    }
  }

  /** The picture's PNG, or undefined once its loss was logged (shed, drawing failed) or it was abandoned. */
  async draw(f: FollowUp, image: CardImage, lang: Lang): Promise<Png | undefined> {
    const { pictures, logger, report } = this.deps;
    if (!pictures) return undefined;
    f.waitingFor = 'not drawn';
    try {
      const png = await pictures.png(image, lang);
      return f.abandoned ? undefined : png;
    } catch (err) {
      if (f.abandoned) return undefined;
      const shed = err instanceof PicturesBusy;
      report.replyDropped(this.platform, shed ? 'shed' : 'failed');
      logger.warn(`${this.platform}: ${f.card} ${shed ? 'shed' : 'left out: drawing failed'}: ${describe(err)}`);
      return undefined;
    }
  }

  /**
   * At the shutdown deadline, once the outbox has given up what it held: each card whose picture was
   * still held up elsewhere (being drawn, or waiting for an upload) is logged once and counted.
   */
  abandon(): void {
    for (const f of this.open) {
      f.abandoned = true;
      if (!f.waitingFor) continue;
      this.deps.report.replyDropped(this.platform, 'failed');
      this.deps.logger.error(`${this.platform}: ${f.card} left out: ${f.waitingFor} by the shutdown deadline`);
    }
    this.open.clear();
  }
}

/** Uploads in the follow-up's conversation queue; the platform's id, or undefined once the failure was logged. */
export type Upload = (png: Png, image: CardImage, f: FollowUp) => Promise<string | undefined>;

export class UploadedPictures {
  private readonly inFlight = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly platform: Platform,
    private readonly deps: { store: Store; logger: Logger; followUps: PictureFollowUps },
    private readonly upload: Upload,
  ) {}

  /** The platform's id for this picture in `scope` (a team, an app), if it was uploaded before. */
  async known(image: CardImage, lang: Lang, scope: string): Promise<string | undefined> {
    return this.deps.store.get(this.key(image, lang, scope)).catch(() => undefined);
  }

  /** The platform's id for this picture in `scope`, uploading it the first time (for `f`'s card). */
  async idFor(image: CardImage, lang: Lang, scope: string, f: FollowUp): Promise<string | undefined> {
    const key = this.key(image, lang, scope);
    const known = await this.deps.store.get(key).catch(() => undefined);
    if (known) return known;
    let pending = this.inFlight.get(key);
    if (pending) {
      // Another card's upload of the same picture: its loss is logged for that card, this one's here.
      f.waitingFor = 'its upload (for another card) not finished';
    } else {
      pending = this.drawAndUpload(key, image, lang, f).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private key(image: CardImage, lang: Lang, scope: string): string {
    return `${this.platform}:picture:${scope}:${pictureId(image, lang)}`;
  }

  private async drawAndUpload(key: string, image: CardImage, lang: Lang, f: FollowUp): Promise<string | undefined> {
    const { logger, store, followUps } = this.deps;
    const png = await followUps.draw(f, image, lang);
    if (!png) return undefined;
    f.waitingFor = undefined; // the upload is in the outbox, which logs its loss
    const id = await this.upload(png, image, f);
    if (id) await store.set(key, id, UPLOAD_TTL_MS).catch((err: unknown) => logger.warn(`${this.platform}: could not remember a picture upload:`, describe(err)));
    return id;
  }
}

function describe(err: unknown): string {
  const e = err as { data?: { error?: string }; message?: string };
  return e?.data?.error ?? e?.message ?? String(err);
}
