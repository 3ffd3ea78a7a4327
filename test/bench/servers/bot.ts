/**
 * Our bot, exactly as production starts it (startBot: one shared HTTP server, Bolt and/or node-sdk
 * behind it, the real core and renderers), on 127.0.0.1, its platform APIs pointing at local fakes.
 * argv: the platforms part of the Config as JSON (`{"slack": {...}, "feishu": {...}}`).
 */
import { startBot } from '../../../src/app.js';
import type { Config } from '../../../src/infra/config.js';
import { createLogger } from '../../../src/infra/log.js';
import { serveChild } from './child.js';

const platforms = JSON.parse(process.argv[2]) as Pick<Config, 'slack' | 'feishu'>;

await serveChild(async () => {
  const bot = await startBot(
    // Text cards, as the bench has always measured them; pictures have their own section (pictures.ts).
    { port: 0, logLevel: 'warn', pictures: false, ...platforms },
    // Warnings and errors still reach stderr: a failing request must be visible, not just counted.
    { host: '127.0.0.1', logger: createLogger('warn', 'bench-bot') },
  );
  return { server: bot.server!, stop: bot.stop };
});
