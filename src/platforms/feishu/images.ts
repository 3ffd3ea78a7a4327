/**
 * Card pictures on Feishu/Lark: the map is uploaded once per app with `im.image.create` and shown as
 * the card's `img` by `image_key` (bar charts need no upload: the card draws them). The key is kept in
 * the shared Store, so every replica reuses one upload.
 */
import type { Answer } from '../../core/types.js';
import { needsUpload } from '../../render/feishu.js';
import type { AdapterDeps } from '../adapter.js';
import { UploadedPictures } from '../pictures.js';

/**
 * Uploads image bytes for use in messages (node-sdk's `im.image.create`, through the adapter's outbox
 * in `conversation`'s queue); resolves to the image key, or undefined once the failure was logged.
 */
export type ImageUpload = (bytes: Buffer, conversation: string) => Promise<string | undefined>;

export interface FeishuPictures {
  /** The image key of the answer's picture, uploading it (for `conversation`) if need be; undefined when it has none to upload. */
  key(answer: Answer, conversation: string): Promise<string | undefined>;
  /** The image key only if the picture was uploaded before: the card can carry it at once. */
  knownKey(answer: Answer): Promise<string | undefined>;
}

export function createFeishuPictures(upload: ImageUpload, deps: AdapterDeps, appId: string): FeishuPictures {
  const uploaded = deps.pictures && new UploadedPictures('feishu', { ...deps, pictures: deps.pictures }, (png, _image, conversation) => upload(png.bytes, conversation));
  return {
    async key(answer, conversation) {
      return uploaded && needsUpload(answer.card.image) ? uploaded.idFor(answer.card.image, answer.lang, appId, conversation) : undefined;
    },
    async knownKey(answer) {
      return uploaded && needsUpload(answer.card.image) ? uploaded.known(answer.card.image, answer.lang, appId) : undefined;
    },
  };
}
