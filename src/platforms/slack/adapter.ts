/**
 * Slack transport on @slack/bolt: slash command, @mentions, DMs, buttons and App Home in; rendered
 * cards out. No card content is built here — the core answers, src/render/slack.ts renders.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  App, HTTPModuleFunctions as boltHttp, HTTPReceiver, isValidSlackRequest, LogLevel, webApi,
  type BlockAction, type ButtonAction, type Logger as BoltLogger,
} from '@slack/bolt';
import { SLASH_COMMAND } from '../../core/commands.js';
import { questionLang } from '../../core/parse.js';
import type { Answer, Lang } from '../../core/types.js';
import { ConfigError, type SlackConfig } from '../../infra/config.js';
import { isFirstDelivery } from '../../infra/dedup.js';
import type { Route } from '../../infra/http-server.js';
import type { Logger } from '../../infra/log.js';
import {
  ACTION_PREFIX, HOME_ACTION_ID, SHARE_ACTION_ID,
  renderSlackAnswer, renderSlackFailure, renderSlackHome, type RenderOptions, type SlackMessage,
} from '../../render/slack.js';
import type { AdapterDeps, PlatformAdapter } from '../adapter.js';
import { createLangMemory } from '../lang-memory.js';

/** Bolt's receiver path for commands, events and interactivity alike (configure it in the app's URLs). */
export const SLACK_EVENTS_PATH = '/slack/events';

type WebClient = webApi.WebClient;

/** How long a viewer's Slack locale is reused for App Home: people rarely change their language. */
export const LOCALE_CACHE_TTL_MS = 60 * 60 * 1000;

export function createSlackAdapter(config: SlackConfig, deps: AdapterDeps): PlatformAdapter {
  const log = deps.logger;
  const logger = toBoltLogger(log);
  const clientOptions: webApi.WebClientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // A reply that arrives half an hour late is worse than none; also stops the Socket Mode client from
    // swapping in its own 100-retry policy for every Web API call.
    retryConfig: webApi.retryPolicies.fiveRetriesInFiveMinutes,
  };
  if (config.mode === 'http' && !config.signingSecret) throw new ConfigError('SLACK_SIGNING_SECRET is missing: HTTP mode needs it');
  if (config.mode === 'socket' && !config.appToken) throw new ConfigError('SLACK_APP_TOKEN is missing: Socket Mode needs it');
  // Our own HTTPReceiver, never started: its requestListener is mounted on the app's shared server.
  const receiver = config.mode === 'http'
    ? new HTTPReceiver({ signingSecret: config.signingSecret ?? '', endpoints: [SLACK_EVENTS_PATH], logger })
    : undefined;
  const app = new App({
    token: config.botToken,
    logger,
    clientOptions,
    // The bot keeps no conversation state; the default store costs ~20% of Bolt's per-request CPU.
    convoStore: false,
    // auth.test then runs in start(), where a bad token rejects cleanly instead of surfacing later as an
    // unhandled rejection from the constructor.
    deferInitialization: true,
    ...(receiver ? { receiver } : { socketMode: true, appToken: config.appToken }),
  });

  const langs = createLangMemory({ store: deps.store, platform: 'slack', defaultLang: 'en', logger: log });
  /** `typed`: the user's own words (remembered language); a button's command carries its card's. */
  const ask = async (text: string, userId?: string, typed = true): Promise<Answer | undefined> => {
    try {
      const inbound = { text: fromSlackText(text), platform: 'slack' as const, userId };
      return deps.handle(typed ? await langs.typed(inbound) : inbound);
    } catch (err) {
      log.error('slack: core handler failed:', err);
      return undefined;
    }
  };
  const render = (answer: Answer | undefined, opts: Omit<RenderOptions, 'lang'> = {}): SlackMessage =>
    answer ? renderSlackAnswer(answer, opts) : renderSlackFailure();

  /** Send errors are logged, never thrown: a failed reply must not take the process down. */
  const attempt = async (what: string, send: () => Promise<unknown>): Promise<boolean> => {
    try {
      await send();
      return true;
    } catch (err) {
      log.error(`slack: ${what} failed:`, describe(err));
      return false;
    }
  };

  /**
   * Bolt passes retries (X-Slack-Retry-Num, Socket Mode retry_attempt) to listeners as new events.
   * A reply goes out only if every key is new: the event_id, and for messages channel+ts, since one
   * message can arrive under two event ids (PLATFORMS.md A4).
   */
  const firstDelivery = (...keys: string[]): Promise<boolean> =>
    isFirstDelivery(deps.store, keys.map((k) => `slack:${k}`), (err) => log.warn('slack: dedup store failed, answering anyway:', describe(err)));

  /**
   * The viewer's Slack locale, from users.info, kept in the Store for a while: App Home opens come
   * often and Slack rate-limits users.info. A failure is not kept, so the next open asks again.
   */
  const viewerLocale = async (client: WebClient, user: string): Promise<string | undefined> => {
    const key = `slack:locale:${user}`;
    const cached = await deps.store.get(key).catch((err: unknown) => log.warn('slack: locale cache read failed:', describe(err)));
    if (typeof cached === 'string') return cached;
    try {
      const locale = (await client.users.info({ user, include_locale: true })).user?.locale?.toLowerCase() ?? '';
      await deps.store.set(key, locale, LOCALE_CACHE_TTL_MS).catch((err: unknown) => log.warn('slack: locale cache write failed:', describe(err)));
      return locale;
    } catch (err) {
      log.warn('slack: users.info failed, showing both languages:', describe(err));
      return undefined;
    }
  };

  const viewerLangs = async (client: WebClient, user: string): Promise<Lang[]> => {
    const locale = await viewerLocale(client, user);
    if (locale?.startsWith('zh')) return ['zh'];
    if (locale?.startsWith('en')) return ['en'];
    return ['zh', 'en'];
  };

  const publishOverview = async (client: WebClient, user: string, langs?: Lang[]): Promise<void> => {
    const answers: Answer[] = [];
    for (const lang of langs ?? (await viewerLangs(client, user))) {
      try {
        answers.push(deps.overview(lang));
      } catch (err) {
        log.error('slack: overview failed:', err);
      }
    }
    const view = answers.length > 0 ? renderSlackHome(answers) : { type: 'home' as const, blocks: renderSlackFailure().blocks };
    await attempt('views.publish', () => client.views.publish({ user_id: user, view }));
  };

  // The card rides in the ack itself: no second round trip, and ephemeral, so only the asker sees it
  // until they press Share. HTTP mode answers it on the fast path below; Socket Mode comes here.
  const slashAck = async (text: string, userId?: string) => {
    const answer = await ask(text, userId);
    // Share runs the command again: one with no language of its own keeps the one it was answered in.
    const share = `${text.trim() || 'help'}${answer && !questionLang(text) ? ` --lang ${answer.lang}` : ''}`;
    return { response_type: 'ephemeral' as const, ...render(answer, { share }) };
  };
  app.command(SLASH_COMMAND.command, async ({ command, ack }) => {
    await ack(await slashAck(command.text, command.user_id));
  });

  app.event('app_mention', async ({ event, body, client }) => {
    if (event.bot_id || event.subtype) return; // other bots and edits: never start a bot-to-bot loop
    if (!(await firstDelivery(`event:${body.event_id}`, `msg:${event.channel}:${event.ts}`))) return;
    const message = render(await ask(event.text, event.user));
    await attempt('chat.postMessage', () => client.chat.postMessage({ channel: event.channel, thread_ts: event.thread_ts ?? event.ts, ...message }));
  });

  app.event('message', async ({ event, body, client }) => {
    // Subtypes are edits, deletions, joins, bot_message…: only a person's new DM gets an answer.
    if (event.subtype !== undefined || event.channel_type !== 'im' || event.bot_id) return;
    if (!(await firstDelivery(`event:${body.event_id}`, `msg:${event.channel}:${event.ts}`))) return;
    const message = render(await ask(event.text ?? '', event.user));
    await attempt('chat.postMessage', () => client.chat.postMessage({ channel: event.channel, thread_ts: event.thread_ts, ...message }));
  });

  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab === 'messages') return; // older payloads have no tab: treat them as Home
    if (!(await firstDelivery(`event:${body.event_id}`))) return;
    await publishOverview(client, event.user);
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: new RegExp(`^${ACTION_PREFIX}`) },
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const value = action.value ?? '';
      const user = body.user.id;
      if (action.action_id === HOME_ACTION_ID) {
        return publishOverview(client, user, value === 'zh' || value === 'en' ? [value] : ['zh', 'en']);
      }
      const answer = await ask(value, user, false);
      if (action.action_id === SHARE_ACTION_ID) {
        if (!answer) return; // never broadcast an apology; the private card stays as it was
        // An ephemeral message cannot become public: post a public copy, then remove the private one.
        const shared = await attempt('share (response_url)', () => respond({ response_type: 'in_channel', replace_original: false, ...render(answer) }));
        if (shared) await attempt('delete ephemeral (response_url)', () => respond({ delete_original: true }));
        return;
      }
      if (body.view?.type === 'home') {
        const view = answer ? renderSlackHome([answer], { back: answer.lang }) : { type: 'home' as const, blocks: renderSlackFailure().blocks };
        await attempt('views.publish', () => client.views.publish({ user_id: user, view }));
        return;
      }
      if (body.container.is_ephemeral) {
        // chat.update cannot touch ephemeral messages; response_url can, and the Share button stays.
        await attempt('update ephemeral (response_url)', () => respond({ replace_original: true, ...render(answer, { share: value }) }));
        return;
      }
      // chat.update keeps working after response_url expires (30 min, 5 uses); response_url is the
      // fallback for messages the bot token may not edit (e.g. shared through a response_url).
      const message = render(answer);
      const channel = body.channel?.id ?? body.container.channel_id;
      const ts = body.message?.ts ?? body.container.message_ts;
      const updated = channel && ts && (await attempt('chat.update', () => client.chat.update({ channel, ts, ...message })));
      if (!updated) await attempt('update (response_url)', () => respond({ replace_original: true, ...message }));
    });

  app.error(async (error) => {
    // Bolt's default handler rethrows, which turns a logged problem into a 500 and a Slack retry.
    log.error('slack: listener error:', describe(error));
  });

  const toBolt = (req: IncomingMessage, res: ServerResponse) => {
    try {
      receiver!.requestListener(req, res);
    } catch {
      // Bolt throws synchronously for anything but POST on its endpoint; an uncaught throw here
      // would kill the shared server.
      res.writeHead(405, { allow: 'POST' }).end();
    }
  };

  /**
   * The one hot request, a correctly signed `/iiot`, is answered here with Bolt's own body buffering
   * and signature check, but without Bolt's dispatch through every listener's middleware: that
   * dispatch is most of Bolt's per-request cost (`npm run bench`). Everything else, an `/iiot` whose
   * signature fails included, goes to Bolt, which reuses the buffered body and verifies it itself.
   */
  const fastSlashCommand = async (req: IncomingMessage, res: ServerResponse) => {
    let buffered;
    try {
      buffered = await boltHttp.bufferIncomingMessage(req, boltHttp.defaultBodyLimit);
    } catch {
      return void res.writeHead(413).end();
    }
    const body = buffered.rawBody.toString();
    const signed = req.headers['content-type'] === 'application/x-www-form-urlencoded' && isValidSlackRequest({
      signingSecret: config.signingSecret ?? '',
      body,
      headers: {
        'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
        'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
      },
    });
    const form = signed ? new URLSearchParams(body) : undefined;
    if (form?.get('command') !== SLASH_COMMAND.command) return toBolt(buffered, res);
    boltHttp.buildContentResponse(res, await slashAck(form.get('text') ?? '', form.get('user_id') ?? undefined));
  };

  let ready = false;
  const routes: Route[] = receiver
    ? [{
      path: SLACK_EVENTS_PATH,
      listener: (req, res) => {
        // Until auth.test has run the app has no authorize function; Slack retries a 503.
        if (!ready) return void res.writeHead(503, { 'retry-after': '1' }).end();
        if (req.method !== 'POST') return toBolt(req, res);
        // Bolt reads a form body only if the content type is exactly this; a client that adds
        // `; charset=utf-8` would otherwise get a 400 for a correctly signed request.
        if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) req.headers['content-type'] = 'application/x-www-form-urlencoded';
        void fastSlashCommand(req, res);
      },
    }]
    : [];

  return {
    name: 'slack',
    routes,
    async start() {
      try {
        await app.init();
      } catch (err) {
        throw startError(err, 'SLACK_BOT_TOKEN', config.apiUrl);
      }
      if (!receiver) {
        try {
          await app.start();
        } catch (err) {
          throw startError(err, 'SLACK_APP_TOKEN', config.apiUrl);
        }
      }
      ready = true;
    },
    async stop() {
      ready = false;
      if (!receiver) await app.stop();
    },
  };
}

/**
 * Slack sends what people typed with `&`, `<` and `>` as entities (`北京 &amp; 上海`), and its own
 * markup (`<@U123>`, `<!channel>`) as is. Decoding the three entities gives the core what was typed;
 * the renderer escapes everything again on the way out, so nothing becomes markup.
 */
function fromSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

/** Turns a start-up failure into one line; a token Slack rejects is an operator error naming its variable. */
function startError(err: unknown, variable: string, apiUrl?: string): Error {
  const code = platformErrorCode(err);
  if (code && AUTH_ERRORS.has(code)) return new ConfigError(`${variable} was rejected by Slack (${code})`);
  return new Error(`Slack start-up failed (${apiUrl ?? 'https://slack.com/api/'}): ${describe(err)}`);
}

function platformErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

function describe(err: unknown): string {
  const code = platformErrorCode(err);
  if (code) return code;
  return err instanceof Error ? err.message : String(err);
}

/** Bolt, the Web API client and the Socket Mode client all want setLevel/getLevel/setName; ours filters itself. */
function toBoltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...m: unknown[]) => log.debug('slack:', ...m),
    info: (...m: unknown[]) => log.info('slack:', ...m),
    warn: (...m: unknown[]) => log.warn('slack:', ...m),
    error: (...m: unknown[]) => log.error('slack:', ...m),
    setLevel: (l: LogLevel) => { level = l; },
    getLevel: () => level,
    setName: () => {},
  };
}
