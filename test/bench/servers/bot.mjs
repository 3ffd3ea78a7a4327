/**
 * Our bot, exactly as production starts it: the compiled dist/ (the bench builds it first), startBot
 * with one shared HTTP server, Bolt and/or node-sdk behind it, the real core and renderers, on
 * 127.0.0.1, its platform APIs pointing at local fakes.
 * argv: the platforms part of the Config as JSON (`{"slack": {...}, "feishu": {...}}`).
 */
import { startBot } from '../../../dist/app.js';
import { createLogger } from '../../../dist/infra/log.js';
import { serveChild } from './child.mjs';

const platforms = JSON.parse(process.argv[2]);

await serveChild(async () => {
  const bot = await startBot(
    // Text cards, as the bench has always measured them; pictures have their own section (pictures.ts).
    { port: 0, logLevel: 'warn', pictures: false, ...platforms },
    // Warnings and errors still reach stderr: a failing request must be visible, not just counted.
    { host: '127.0.0.1', logger: createLogger('warn', 'bench-bot') },
  );
  return { server: bot.server, stop: bot.stop };
});
