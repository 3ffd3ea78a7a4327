/**
 * Card pictures on Slack: uploaded with filesUploadV2 (files.getUploadURLExternal, the upload,
 * files.completeUploadExternal) into the conversation, and thread, where the card went, after the
 * card. The upload goes through the adapter's outbox in that conversation: bounded, retried, logged
 * once; a failure leaves the card as it is (it says everything the picture shows).
 *
 * Never a file uploaded into no channel: Slack gives it to the bot alone, and an image block naming it
 * is refused (`invalid_blocks`) or not shown to anyone else (docs/slack.md, "Who can see an uploaded picture").
 *
 * Each answer uploads its picture again rather than showing a file id kept from an earlier upload into
 * the same conversation (an image block's `slack_file`): Slack refuses the whole card (`invalid_blocks`)
 * for a file still processing, deleted by a member or by retention, or one it does not count as
 * shared there, and none of that can be checked without a real workspace (docs/pictures-delivery.md).
 * The PNG itself is drawn once (the renderer's cache); an upload is three calls in the conversation's
 * queue, after the card.
 */
import type { webApi } from '@slack/bolt';
import type { Answer } from '../../core/types.js';
import { reporterOf, type AdapterDeps } from '../adapter.js';
import { PictureFollowUps } from '../pictures.js';

/** Slack's files API caps a file's alt text at 1000 characters. */
const FILE_ALT_CHARS = 1000;

/** The adapter's outbox: queues one call to `conversation`, true once it went out (failures already logged). */
export type Deliver = (conversation: string, what: string, call: () => Promise<unknown>) => Promise<boolean>;

export interface SlackPictures {
  /**
   * Uploads the answer's picture into `channel` (in the thread `threadTs`, if given), shared there for
   * its members to see; false without a picture or on failure (logged once).
   */
  uploadInto(answer: Answer | undefined, channel: string, threadTs?: string): Promise<boolean>;
  /** At the shutdown deadline, after the outbox's drain: logs each picture still held up before its upload. */
  abandon(): void;
}

export function createSlackPictures(client: webApi.WebClient, deps: AdapterDeps, deliver: Deliver): SlackPictures {
  const followUps = new PictureFollowUps('slack', { ...deps, report: reporterOf(deps) });
  return {
    async uploadInto(answer, channel, threadTs) {
      const image = answer?.card.image;
      if (!image || !deps.pictures) return false;
      const thread = threadTs ? ` for thread ${threadTs}` : '';
      const card = `picture${thread} in ${channel}`;
      return (await followUps.follow(card, channel, async (f) => {
        const png = await followUps.draw(f, image, answer.lang);
        if (!png) return false;
        f.waitingFor = undefined; // in the outbox, which logs its loss
        return deliver(channel, `files.uploadV2 (picture${thread})`, () => client.filesUploadV2({
          file: png.bytes,
          filename: `${png.id}.png`,
          title: image.title,
          alt_text: image.alt.slice(0, FILE_ALT_CHARS),
          // The thread's first message's ts, or none: the file goes into the channel itself (the SDK's
          // types take a thread only beside a channel, hence the two shapes).
          ...(threadTs ? { channel_id: channel, thread_ts: threadTs } : { channel_id: channel }),
        }));
      })) ?? false;
    },
    abandon: () => followUps.abandon(),
  };
}
