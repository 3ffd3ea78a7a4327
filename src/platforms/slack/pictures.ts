/**
 * Card pictures on Slack: uploaded once per workspace with filesUploadV2 (files.getUploadURLExternal,
 * the upload, files.completeUploadExternal) into no channel, then shown by `slack_file` id in an image
 * block wherever the card goes. Nothing is posted to a channel until the card is.
 */
import type { webApi } from '@slack/bolt';
import type { Answer } from '../../core/types.js';
import type { AdapterDeps } from '../adapter.js';
import { UploadedPictures } from '../pictures.js';

/** Slack's files API caps a file's alt text at 1000 characters. */
const FILE_ALT_CHARS = 1000;
/** A just-uploaded file may still be processing; an image block naming it is then `invalid_blocks`. */
const PROCESSING_RETRIES = [1000, 3000];
const RESPONSE_URL_TIMEOUT_MS = 10_000;

export interface SlackPictures {
  /** The picture's file id in this workspace, uploading it if need be; undefined without a picture. */
  fileId(answer: Answer | undefined, team: string | undefined): Promise<string | undefined>;
  /** The file id only if already uploaded: a card can carry it at once. */
  cachedFileId(answer: Answer | undefined, team: string | undefined): Promise<string | undefined>;
  /** Runs a send that names a new file again while Slack is still processing the file. */
  whenProcessed<T>(send: () => Promise<T>): Promise<T>;
  postToResponseUrl(url: string, body: object): Promise<void>;
}

export function createSlackPictures(client: webApi.WebClient, deps: AdapterDeps): SlackPictures {
  const uploaded = deps.pictures && new UploadedPictures('slack', { ...deps, pictures: deps.pictures }, async (png, image) => {
    const result = await client.filesUploadV2({
      file: png.bytes,
      filename: `${png.id}.png`,
      title: image.title,
      alt_text: image.alt.slice(0, FILE_ALT_CHARS),
    });
    const id = (result.files as { files?: { id?: string }[] }[] | undefined)?.[0]?.files?.[0]?.id;
    if (!id) throw new Error('files.completeUploadExternal returned no file id');
    return id;
  });
  const scope = (team: string | undefined) => team ?? 'workspace';

  return {
    async fileId(answer, team) {
      return answer?.card.image && uploaded ? uploaded.idFor(answer.card.image, answer.lang, scope(team)) : undefined;
    },
    async cachedFileId(answer, team) {
      return answer?.card.image && uploaded ? uploaded.known(answer.card.image, answer.lang, scope(team)) : undefined;
    },
    async whenProcessed(send) {
      for (const delay of PROCESSING_RETRIES) {
        try {
          return await send();
        } catch (err) {
          if ((err as { data?: { error?: string } }).data?.error !== 'invalid_blocks') throw err;
          await new Promise((r) => setTimeout(r, delay));
        }
      }
      return send();
    },
    async postToResponseUrl(url, body) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`response_url: HTTP ${res.status}`);
    },
  };
}
