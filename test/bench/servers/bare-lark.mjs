/**
 * Baseline: a bare node-sdk webhook bot, as the SDK's README writes one: an EventDispatcher with the
 * encrypt key and verification token (it decrypts and checks the signature), `adaptDefault` on
 * node:http, and `im.message.receive_v1` → `client.im.message.reply` with the very card the bot sends
 * for "湖北" (its JSON from the parent), so bot / bare node-sdk measures what the bot adds: its own
 * checks, dedup, the core and the renderer. Like the bot it acks at once and replies afterwards, and
 * it drops a re-delivered message_id (a Set), so both send one reply per message.
 * argv: JSON {appId, appSecret, encryptKey, verificationToken, domain}, the card's JSON.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { serveChild } from './child.mjs';

// As the bot loads it (src/platforms/feishu/sdk.ts): require() is much cheaper than import here.
const lark = createRequire(import.meta.url)('@larksuiteoapi/node-sdk');
const [configJson, content] = process.argv.slice(2);
const config = JSON.parse(configJson);

await serveChild(async () => {
  const client = new lark.Client({ appId: config.appId, appSecret: config.appSecret, domain: config.domain, loggerLevel: lark.LoggerLevel.warn });
  const seen = new Set();
  const dispatcher = new lark.EventDispatcher({
    encryptKey: config.encryptKey, verificationToken: config.verificationToken, loggerLevel: lark.LoggerLevel.warn,
  }).register({
    'im.message.receive_v1': (data) => {
      const id = data.message.message_id;
      if (seen.has(id)) return;
      seen.add(id);
      client.im.message.reply({ path: { message_id: id }, data: { msg_type: 'interactive', content, uuid: `r-${id}` } })
        .catch((err) => console.error('bare node-sdk: reply failed:', err.message));
    },
  });
  const server = createServer(lark.adaptDefault('/feishu/events', dispatcher, { autoChallenge: true }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, stop: () => new Promise((r) => server.close(() => r())) };
});
