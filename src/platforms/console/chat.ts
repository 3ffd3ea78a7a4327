import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Answer, ConversationContext, Inbound, Turn } from '../../core/types.js';
import type { Pictures } from '../../pictures/index.js';
import { renderText } from '../../render/text.js';

/** Where the console chat leaves the cards' pictures (one file per picture and language). */
export const PICTURES_DIR = join(tmpdir(), 'iiot-pictures');

/** Writes the answer's picture as a PNG and returns its path; undefined when it has none or it failed. */
async function savePicture(answer: Answer, pictures: Pictures, write: (s: string) => void): Promise<void> {
  if (!answer.card.image) return;
  try {
    const png = await pictures.png(answer.card.image, answer.lang);
    await mkdir(PICTURES_DIR, { recursive: true });
    const path = join(PICTURES_DIR, `${png.id}.png`);
    await writeFile(path, png.bytes);
    write(`${answer.lang === 'zh' ? '图片' : 'Picture'}: ${path}\n`);
  } catch (err) {
    write(`(picture left out: ${err instanceof Error ? err.message : String(err)})\n`);
  }
}

export const CONNECT_HINT =
  'Console chat: no Slack or Feishu credentials found. To connect, set SLACK_BOT_TOKEN + SLACK_APP_TOKEN and/or FEISHU_APP_ID + FEISHU_APP_SECRET (in the environment or .env; see README). Ctrl-D quits.';

/**
 * A chat in the terminal on the same handler as Slack and Feishu. The session is one conversation:
 * each answer's context goes back with the next line, so `江苏` then `它的路径呢` works. Cards print
 * as text; their buttons are numbered (type the number). Without a terminal it answers each input
 * line and exits at end of input, so it can be scripted.
 */
export async function runConsoleChat(
  converse: (inbound: Inbound, context?: ConversationContext) => Turn,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
  pictures?: Pictures,
): Promise<void> {
  const interactive = (input as { isTTY?: boolean }).isTTY === true;
  const rl = createInterface({ input, output, terminal: interactive, historySize: 200 });
  const write = (s: string) => output.write(`${s}\n`);
  let last: Answer | undefined;
  let context: ConversationContext | undefined;
  write(CONNECT_HINT);
  if (interactive) rl.setPrompt('iiot> '), rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === '') {
      if (interactive) rl.prompt();
      continue;
    }
    // A number picks a follow-up of the previous card, in that card's language.
    const action = /^\d+$/.test(text) ? last?.card.actions[Number(text) - 1] : undefined;
    ({ answer: last, context } = converse({ text: action ? action.command : text, platform: 'console' }, context));
    write(`${renderText(last.card, { numberActions: true })}\n`);
    // The card first; its picture (drawn on first use, then cached) follows as a file.
    if (pictures) await savePicture(last, pictures, write);
    if (interactive) rl.prompt();
  }
  await pictures?.close();
}
