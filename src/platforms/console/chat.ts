import { createInterface } from 'node:readline';
import type { Answer, Inbound } from '../../core/types.js';
import { renderText } from '../../render/text.js';

export const CONNECT_HINT =
  'Console chat: no Slack or Feishu credentials found. To connect, set SLACK_BOT_TOKEN + SLACK_APP_TOKEN and/or FEISHU_APP_ID + FEISHU_APP_SECRET (in the environment or .env; see README). Ctrl-D quits.';

/**
 * A chat in the terminal on the same handler as Slack and Feishu. Cards print as text; their
 * buttons are numbered follow-ups (type the number). Without a terminal it answers each input
 * line and exits at end of input, so it can be scripted.
 */
export async function runConsoleChat(
  handle: (inbound: Inbound) => Answer,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const interactive = (input as { isTTY?: boolean }).isTTY === true;
  const rl = createInterface({ input, output, terminal: interactive, historySize: 200 });
  const write = (s: string) => output.write(`${s}\n`);
  let last: Answer | undefined;
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
    last = handle({ text: action ? action.command : text, platform: 'console' });
    write(`${renderText(last.card, { numberActions: true })}\n`);
    if (interactive) rl.prompt();
  }
}
