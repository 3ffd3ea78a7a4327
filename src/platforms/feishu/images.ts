/**
 * Card pictures on Feishu/Lark: the map is uploaded once per app with `im.image.create` and shown as
 * the card's `img` by `image_key` (bar charts need no upload: the card draws them). The key is kept in
 * the shared Store, so every replica reuses one upload.
 */
import type { Answer } from '../../core/types.js';
import { needsUpload } from '../../render/feishu.js';
import type { AdapterDeps } from '../adapter.js';
import { UploadedPictures } from '../pictures.js';

/** Uploads image bytes for use in messages; resolves to the image key (node-sdk's `im.image.create`). */
export type ImageUpload = (bytes: Buffer) => Promise<string | undefined>;

export interface FeishuPictures {
  /** The image key of the answer's picture, uploading it if need be; undefined when it has none to upload. */
  key(answer: Answer): Promise<string | undefined>;
  /** The image key only if the picture was uploaded before: the card can carry it at once. */
  knownKey(answer: Answer): Promise<string | undefined>;
}

export function createFeishuPictures(upload: ImageUpload, deps: AdapterDeps, appId: string): FeishuPictures {
  const uploaded = deps.pictures && new UploadedPictures('feishu', { ...deps, pictures: deps.pictures }, async (png) => {
    const key = await upload(png.bytes);
    if (!key) throw new Error('im.image.create returned no image_key');
    return key;
  });
  return {
    async key(answer) {
      return uploaded && needsUpload(answer.card.image) ? uploaded.idFor(answer.card.image, answer.lang, appId) : undefined;
    },
    async knownKey(answer) {
      return uploaded && needsUpload(answer.card.image) ? uploaded.known(answer.card.image, answer.lang, appId) : undefined;
    },
  };
}
