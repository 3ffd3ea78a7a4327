/**
 * Card pictures on Feishu/Lark: the map is uploaded once per app with `im.image.create` and shown as
 * the card's `img` by `image_key` (bar charts need no upload: the card draws them). The key is kept in
 * the shared Store, so every replica reuses one upload, and an answer whose picture was uploaded
 * before goes out in one call, the key in its first card (docs/pictures-delivery.md).
 */
import type { Answer } from '../../core/types.js';
import { needsUpload } from '../../render/feishu.js';
import { reporterOf, type AdapterDeps } from '../adapter.js';
import { PictureFollowUps, UploadedPictures } from '../pictures.js';

/**
 * Uploads image bytes for use in messages (node-sdk's `im.image.create`, through the adapter's outbox
 * in `conversation`'s queue; `what` names the card in its log line); resolves to the image key, or
 * undefined once the failure was logged.
 */
export type ImageUpload = (bytes: Buffer, conversation: string, what: string) => Promise<string | undefined>;

export interface FeishuPictures {
  /**
   * The image key of the answer's picture for `card` (`picture for om_1 in oc_2`), uploading it in
   * `conversation` if need be; undefined when it has none to upload, or once its loss was logged.
   */
  key(answer: Answer, conversation: string, card: string): Promise<string | undefined>;
  /** The image key only if the picture was uploaded before: the card can carry it at once. */
  knownKey(answer: Answer): Promise<string | undefined>;
  /** At the shutdown deadline, after the outbox's drain: logs each picture still held up before its upload. */
  abandon(): void;
}

export function createFeishuPictures(upload: ImageUpload, deps: AdapterDeps, appId: string): FeishuPictures {
  const followUps = new PictureFollowUps('feishu', { ...deps, report: reporterOf(deps) });
  const uploaded = deps.pictures && new UploadedPictures('feishu', { ...deps, followUps },
    (png, _image, f) => upload(png.bytes, f.conversation, `picture upload (${f.card})`));
  return {
    async key(answer, conversation, card) {
      if (!uploaded || !needsUpload(answer.card.image)) return undefined;
      return followUps.follow(card, conversation, (f) => uploaded.idFor(answer.card.image!, answer.lang, appId, f));
    },
    async knownKey(answer) {
      return uploaded && needsUpload(answer.card.image) ? uploaded.known(answer.card.image, answer.lang, appId) : undefined;
    },
    abandon: () => followUps.abandon(),
  };
}
