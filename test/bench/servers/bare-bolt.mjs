/**
 * Baseline: the least a Bolt app can do for `/iiot` — verify the signature, route the command, ack.
 * It has the same Bolt options as the bot (HTTPReceiver, convoStore: false), so the ratio
 * bot / bare Bolt measures only what the bot adds: its router, the core and the renderer.
 * botId + botUserId skip auth.test, so no fake Slack is needed.
 * argv: signing secret, and optionally a JSON body to ack with (default: an empty ack).
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { serveChild } from './child.mjs';

const [secret, bodyJson] = process.argv.slice(2);
const reply = bodyJson ? JSON.parse(bodyJson) : undefined;

await serveChild(async () => {
  const receiver = new HTTPReceiver({ signingSecret: secret, endpoints: ['/slack/events'], logLevel: LogLevel.WARN });
  const app = new App({
    token: 'xoxb-bench-token',
    botId: 'B0BOT',
    botUserId: 'U0BOT',
    receiver,
    convoStore: false,
    logLevel: LogLevel.WARN,
  });
  app.command('/iiot', async ({ ack }) => {
    await ack(reply);
  });
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  return { server, stop: () => app.stop().then(() => undefined) };
});
