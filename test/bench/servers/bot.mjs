/**
 * Our bot, exactly as production runs it: the bundle dist/iiot.cjs (the bench builds it first), loaded
 * as the `iiot` command loads it (src/bin/bundle.js, with its code cache), startBot with one shared
 * HTTP server, Bolt and/or node-sdk behind it, the real core and renderers, on 127.0.0.1, its
 * platform APIs pointing at local fakes.
 * argv: the platforms part of the Config as JSON (`{"slack": {...}, "feishu": {...}}`).
 */
import { openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBundle } from '../../../src/bin/bundle.js';
import { serveChild } from './child.mjs';

const platforms = JSON.parse(process.argv[2]);
const { startBot, createLogger, secretsOf } = await loadBundle(fileURLToPath(new URL('../../../dist/iiot.cjs', import.meta.url))).embedded();

// Logged as production logs by default (LOG_LEVEL=info: one `event` line per event, secrets masked,
// written synchronously), to a file so the bench's output stays readable; bare Bolt and node-sdk log
// nothing per request at their defaults. The bundle's own pino writes the lines.
const logFile = join(tmpdir(), `iiot-bench-bot-${process.pid}.log`);
process.on('exit', () => rmSync(logFile, { force: true }));
const log = openSync(logFile, 'w');

await serveChild(async () => {
  const bot = await startBot(
    // Text cards, as the bench has always measured them; pictures have their own section (pictures.ts).
    { port: 0, logLevel: 'info', pictures: false, ...platforms },
    { host: '127.0.0.1', logger: createLogger('info', 'bench-bot', { secrets: secretsOf(platforms), destination: { write: (line) => writeSync(log, line) } }) },
  );
  return { server: bot.server, stop: bot.stop };
});
