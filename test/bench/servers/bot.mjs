/**
 * Our bot, exactly as production starts it: the compiled dist/ (the bench builds it first), startBot
 * with one shared HTTP server, Bolt and/or node-sdk behind it, the real core and renderers, on
 * 127.0.0.1, its platform APIs pointing at local fakes.
 * argv: the platforms part of the Config as JSON (`{"slack": {...}, "feishu": {...}}`).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startBot } from '../../../dist/app.js';
import { secretsOf } from '../../../dist/infra/config.js';
import { createLogger } from '../../../dist/infra/log.js';
import { serveChild } from './child.mjs';

const platforms = JSON.parse(process.argv[2]);

// Logged as production logs by default (LOG_LEVEL=info: one `event` line per event, secrets masked,
// written synchronously), to a file so the bench's output stays readable; bare Bolt and node-sdk log
// nothing per request at their defaults.
const logFile = join(tmpdir(), `iiot-bench-bot-${process.pid}.log`);
process.on('exit', () => rmSync(logFile, { force: true }));

await serveChild(async () => {
  const bot = await startBot(
    // Text cards, as the bench has always measured them; pictures have their own section (pictures.ts).
    { port: 0, logLevel: 'info', pictures: false, ...platforms },
    { host: '127.0.0.1', logger: createLogger('info', 'bench-bot', { secrets: secretsOf(platforms), destination: pino.destination({ dest: logFile, sync: true }) }) },
  );
  return { server: bot.server, stop: bot.stop };
});
