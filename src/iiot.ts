import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { converse, handle } from './core/handle.js';
import type { Answer, Lang } from './core/types.js';
import { ConfigError, DEFAULT_SHUTDOWN_TIMEOUT_MS, loadConfig, picturesEnabled, secretsOf } from './infra/config.js';
import { renderText } from './render/text.js';

const USAGE = `Usage:
  iiot ask [--lang zh|en] [--format text|json|png] <question…>   answer one question (png: its picture, to stdout)
  iiot start                                               connect Slack/Feishu from the environment, or open the console chat
  iiot chat                                                console chat
  iiot feishu sync-commands                                make the Feishu app's slash commands match the registry`;

class UsageError extends Error {}

/** `--format png` for an answer without a picture: a distinct exit code scripts can test for. */
const NO_PICTURE_EXIT = 3;

async function ask(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { lang: { type: 'string' }, format: { type: 'string', default: 'text' } },
  });
  if (values.lang !== undefined && values.lang !== 'zh' && values.lang !== 'en') throw new UsageError('--lang takes zh or en');
  if (values.format !== 'text' && values.format !== 'json' && values.format !== 'png') throw new UsageError('--format takes text, json or png');
  if (positionals.length === 0) throw new UsageError('ask needs a question, e.g. iiot ask 湖北');
  const answer = handle({ text: positionals.join(' '), platform: 'cli', lang: values.lang as Lang | undefined });
  if (values.format === 'png') return writePicture(answer);
  process.stdout.write(values.format === 'json' ? `${JSON.stringify(answer, null, 2)}\n` : `${renderText(answer.card)}\n`);
}

async function writePicture(answer: Answer): Promise<void> {
  if (!answer.card.image) {
    process.stderr.write(`iiot: this answer has no picture (${answer.intent}: ${answer.card.title})\n`);
    process.exitCode = NO_PICTURE_EXIT;
    return;
  }
  const { Pictures } = await import('./pictures/index.js');
  const pictures = new Pictures();
  try {
    const png = await pictures.png(answer.card.image, answer.lang);
    await new Promise<void>((resolve, reject) => process.stdout.write(png.bytes, (err) => (err ? reject(err) : resolve())));
  } finally {
    await pictures.close();
  }
}

async function consoleChat(): Promise<void> {
  const { runConsoleChat } = await import('./platforms/console/chat.js');
  // Only the cache's class: the renderer itself loads with the first picture.
  const pictures = picturesEnabled() ? new (await import('./pictures/index.js')).Pictures() : undefined;
  return runConsoleChat(converse, process.stdin, process.stdout, pictures);
}

/** Variables already in the environment win over .env. */
function loadEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}

async function start(): Promise<void> {
  loadEnv();
  const config = loadConfig();
  if (!config.slack && !config.feishu) return consoleChat();
  const { startBot } = await import('./app.js');
  const bot = await startBot(config, { guardProcess: true });
  const { logger } = bot;
  const timeoutMs = config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: shutting down, finishing the replies under way (up to ${timeoutMs} ms, SHUTDOWN_TIMEOUT_MS)`);
    // stop() resolves by the deadline; this only guards against a step that ignores it.
    setTimeout(() => {
      logger.error(`shutdown did not finish within SHUTDOWN_TIMEOUT_MS (${timeoutMs} ms): exiting anyway`);
      process.exit(1);
    }, timeoutMs + 2000).unref();
    bot.stop(timeoutMs).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error('shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

async function feishu(args: string[]): Promise<void> {
  if (args.length !== 1 || args[0] !== 'sync-commands') throw new UsageError('feishu takes one subcommand: sync-commands');
  loadEnv();
  const config = loadConfig().feishu;
  if (!config) throw new ConfigError('FEISHU_APP_ID is missing: sync-commands needs the Feishu app\'s FEISHU_APP_ID and FEISHU_APP_SECRET');
  const { syncSlashCommands } = await import('./platforms/feishu/slash-commands.js');
  await syncSlashCommands(config, (line) => process.stdout.write(`${line}\n`));
}

async function main(argv: string[]): Promise<void> {
  const [command = 'start', ...rest] = argv;
  switch (command) {
    case 'ask': return ask(rest);
    case 'start': return start();
    case 'chat': return consoleChat();
    case 'feishu': return feishu(rest);
    case 'help': case '--help': case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Runs `iiot <argv>`; a bad command line or configuration ends the process with one line and its exit code. */
export function run(argv: string[]): Promise<void> {
  return main(argv).catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`iiot: ${err.message}\n`);
      process.exit(1);
    }
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`iiot: ${(err as Error).message}\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`iiot: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

/**
 * What `iiot start` and the console chat do before their first request, minus the network: load
 * every module, read a configuration, build the logger, metrics and both platforms' adapters (their
 * SDK clients), answer one question. The build runs it once to record V8's code cache of the bundle
 * (src/bin/build.mjs), so start-up finds that code already compiled. Nothing is started or sent.
 */
export async function preload(): Promise<void> {
  const [{ createSlackAdapter }, { createFeishuAdapter }, { createLogger }, { createReporter }, { MemoryStore }, { overview }] = await Promise.all([
    import('./platforms/slack/adapter.js'), import('./platforms/feishu/adapter.js'), import('./infra/log.js'),
    import('./infra/report.js'), import('./infra/store.js'), import('./core/handle.js'),
    import('./app.js'), import('./platforms/console/chat.js'), import('./infra/redis-store.js'),
  ]);
  const config = loadConfig({
    SLACK_MODE: 'http', SLACK_BOT_TOKEN: 'xoxb-preload', SLACK_SIGNING_SECRET: 'preload-secret',
    FEISHU_MODE: 'webhook', FEISHU_APP_ID: 'cli_0000000000000000', FEISHU_APP_SECRET: 'preload-secret',
    FEISHU_ENCRYPT_KEY: 'preload-key', FEISHU_VERIFICATION_TOKEN: 'preload-token',
  });
  const logger = createLogger('error', 'iiot', { secrets: secretsOf(config), destination: { write: () => {} } });
  const deps = { converse, overview, store: new MemoryStore(), logger, report: createReporter(logger) };
  createSlackAdapter(config.slack!, deps);
  createFeishuAdapter(config.feishu!, deps);
  renderText(handle({ text: '湖北', platform: 'cli' }).card);
}

/** For the build: data/ against its schemas (loaded only here: start-up does not parse them). */
export async function checkShippedData(): Promise<void> {
  (await import('./core/data-schema.js')).checkShippedData();
}

/**
 * For a program that runs the bot in its own process instead of through `iiot start` (the bench's
 * server, which measures the bundle as production runs it): the bundle's own startBot and logger.
 */
export async function embedded() {
  const [{ startBot }, { createLogger }] = await Promise.all([import('./app.js'), import('./infra/log.js')]);
  return { startBot, createLogger, secretsOf };
}
