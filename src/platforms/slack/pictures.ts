/**
 * Card pictures on Slack: uploaded once per workspace with filesUploadV2 (files.getUploadURLExternal,
 * the upload, files.completeUploadExternal) into no channel, then shown by `slack_file` id in an image
 * block wherever the card goes. Nothing is posted to a channel until the card is. The upload goes
 * through the adapter's outbox, in the conversation that asked for it: bounded, retried, logged once.
 * A file uploaded into no channel is private: only the bot has access (README, Pictures). So a card
 * shared into a channel goes without it, and the picture follows, uploaded into that channel.
 */
import type { webApi } from '@slack/bolt';
import type { Answer, CardImage } from '../../core/types.js';
import type { Png } from '../../pictures/index.js';
import type { AdapterDeps } from '../adapter.js';
import { UploadedPictures } from '../pictures.js';

/** Slack's files API caps a file's alt text at 1000 characters. */
const FILE_ALT_CHARS = 1000;
/** A just-uploaded file may still be processing; an image block naming it is then `invalid_blocks`. */
const PROCESSING_RETRIES = [1000, 3000];

/** The adapter's outbox: queues one call to `conversation`, true once it went out (failures already logged). */
export type Deliver = (conversation: string, what: string, call: () => Promise<unknown>) => Promise<boolean>;

export interface SlackPictures {
  /** The picture's file id in this workspace, uploading it (in `conversation`'s queue) if need be; undefined without a picture. */
  fileId(answer: Answer | undefined, team: string | undefined, conversation: string): Promise<string | undefined>;
  /** The file id only if already uploaded: a card can carry it at once. */
  cachedFileId(answer: Answer | undefined, team: string | undefined): Promise<string | undefined>;
  /** Uploads the picture into `channel`, shared there for its members to see; false without one or on failure (logged). */
  shareInto(answer: Answer | undefined, channel: string): Promise<boolean>;
  /** Runs a send that names a new file again while Slack is still processing the file. */
  whenProcessed<T>(send: () => Promise<T>): Promise<T>;
}

/** Slack's refusal code: the Web API's `data.error`, or a response_url's `{ok:false,error}` (the error's message). */
const refusal = (err: unknown): string | undefined =>
  (err as { data?: { error?: string } }).data?.error ?? (err as Error | undefined)?.message;

export function createSlackPictures(client: webApi.WebClient, deps: AdapterDeps, deliver: Deliver): SlackPictures {
  /** The new file's id; shared into `channel` if given, else private to the bot. */
  const upload = async (png: Png, image: CardImage, channel?: string): Promise<string> => {
    const result = await client.filesUploadV2({
      file: png.bytes,
      filename: `${png.id}.png`,
      title: image.title,
      alt_text: image.alt.slice(0, FILE_ALT_CHARS),
      ...(channel ? { channel_id: channel } : {}),
    });
    const id = (result.files as { files?: { id?: string }[] }[] | undefined)?.[0]?.files?.[0]?.id;
    if (!id) throw new Error('files.completeUploadExternal returned no file id');
    return id;
  };
  const uploaded = deps.pictures && new UploadedPictures('slack', { ...deps, pictures: deps.pictures }, async (png, image, conversation) => {
    let id: string | undefined;
    const ok = await deliver(conversation, 'files.uploadV2 (picture)', async () => {
      id = await upload(png, image);
    });
    return ok ? id : undefined;
  });
  const scope = (team: string | undefined) => team ?? 'workspace';

  return {
    async fileId(answer, team, conversation) {
      return answer?.card.image && uploaded ? uploaded.idFor(answer.card.image, answer.lang, scope(team), conversation) : undefined;
    },
    async cachedFileId(answer, team) {
      return answer?.card.image && uploaded ? uploaded.known(answer.card.image, answer.lang, scope(team)) : undefined;
    },
    async shareInto(answer, channel) {
      const image = answer?.card.image;
      const png = image && uploaded && (await uploaded.draw(image, answer.lang));
      return !!png && deliver(channel, 'files.uploadV2 into the channel (picture)', () => upload(png, image, channel));
    },
    async whenProcessed(send) {
      for (const delay of PROCESSING_RETRIES) {
        try {
          return await send();
        } catch (err) {
          if (refusal(err) !== 'invalid_blocks') throw err;
          await new Promise((r) => setTimeout(r, delay));
        }
      }
      return send();
    },
  };
}
