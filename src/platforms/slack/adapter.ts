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
import type { Answer, Lang } from '../../core/types.js';
import { ConfigError, type SlackConfig } from '../../infra/config.js';
import { isFirstDelivery } from '../../infra/dedup.js';
import type { Route } from '../../infra/http-server.js';
import type { Logger } from '../../infra/log.js';
import {
  ACTION_PREFIX, HOME_ACTION_ID, SHARE_ACTION_ID,
  renderSlackAnswer, renderSlackFailure, renderSlackHome, renderSlackPicture, type RenderOptions, type SlackMessage,
} from '../../render/slack.js';
import type { AdapterDeps, PlatformAdapter } from '../adapter.js';
import { createSlackPictures } from './pictures.js';

/** Bolt's receiver path for commands, events and interactivity alike (configure it in the app's URLs). */
export const SLACK_EVENTS_PATH = '/slack/events';

type WebClient = webApi.WebClient;

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

  const ask = (text: string, userId?: string): Answer | undefined => {
    try {
      return deps.handle({ text: fromSlackText(text), platform: 'slack', userId });
    } catch (err) {
      log.error('slack: core handler failed:', err);
      return undefined;
    }
  };
  const render = (answer: Answer | undefined, opts: Omit<RenderOptions, 'lang'> = {}): SlackMessage =>
    answer ? renderSlackAnswer(answer, opts) : renderSlackFailure();
  const pictures = createSlackPictures(app.client, deps);

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

  const viewerLangs = async (client: WebClient, user: string): Promise<Lang[]> => {
    try {
      const locale = (await client.users.info({ user, include_locale: true })).user?.locale?.toLowerCase();
      if (locale?.startsWith('zh')) return ['zh'];
      if (locale?.startsWith('en')) return ['en'];
    } catch (err) {
      log.warn('slack: users.info failed, showing both languages:', describe(err));
    }
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
  // The picture cannot be added to an ephemeral answer later (response_url's replace_original does not
  // reach a slash command's reply), so it follows as a second private message.
  const slashCommand = (form: { text: string; user_id?: string; team_id?: string; response_url?: string }) => {
    const answer = ask(form.text, form.user_id);
    const ack = { response_type: 'ephemeral' as const, ...render(answer, { share: form.text.trim() || 'help' }) };
    const followUp = async () => {
      const fileId = await pictures.fileId(answer, form.team_id);
      if (fileId && answer && form.response_url) {
        await attempt('picture (response_url)', () => pictures.postToResponseUrl(form.response_url!, { response_type: 'ephemeral', replace_original: false, ...renderSlackPicture(answer.card, fileId) }));
      }
    };
    return { ack, followUp };
  };
  app.command(SLASH_COMMAND.command, async ({ command, ack }) => {
    const { ack: body, followUp } = slashCommand(command);
    await ack(body);
    await followUp();
  });

  /** A reply in a conversation: the card at once, then the picture patched into it. */
  const reply = async (client: WebClient, answer: Answer | undefined, team: string | undefined, channel: string, threadTs: string | undefined) => {
    const fileId = await pictures.cachedFileId(answer, team);
    let ts: string | undefined;
    const sent = await attempt('chat.postMessage', async () => {
      ts = (await client.chat.postMessage({ channel, thread_ts: threadTs, ...render(answer, { pictureFileId: fileId }) })).ts;
    });
    if (!sent || fileId || !ts) return;
    const uploaded = await pictures.fileId(answer, team);
    if (uploaded) await attempt('chat.update (picture)', () => pictures.whenProcessed(() => client.chat.update({ channel, ts: ts!, ...render(answer, { pictureFileId: uploaded }) })));
  };

  app.event('app_mention', async ({ event, body, client }) => {
    if (event.bot_id || event.subtype) return; // other bots and edits: never start a bot-to-bot loop
    if (!(await firstDelivery(`event:${body.event_id}`, `msg:${event.channel}:${event.ts}`))) return;
    await reply(client, ask(event.text, event.user), body.team_id, event.channel, event.thread_ts ?? event.ts);
  });

  app.event('message', async ({ event, body, client }) => {
    // Subtypes are edits, deletions, joins, bot_message…: only a person's new DM gets an answer.
    if (event.subtype !== undefined || event.channel_type !== 'im' || event.bot_id) return;
    if (!(await firstDelivery(`event:${body.event_id}`, `msg:${event.channel}:${event.ts}`))) return;
    await reply(client, ask(event.text ?? '', event.user), body.team_id, event.channel, event.thread_ts);
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
      const answer = ask(value, user);
      const team = body.team?.id ?? body.user.team_id;
      if (action.action_id === SHARE_ACTION_ID) {
        if (!answer) return; // never broadcast an apology; the private card stays as it was
        // An ephemeral message cannot become public: post a public copy, then remove the private one.
        // The picture goes public only now, with the shared card.
        const pictureFileId = await pictures.fileId(answer, team);
        const shared = await attempt('share (response_url)', () => respond({ response_type: 'in_channel', replace_original: false, ...render(answer, { pictureFileId }) }));
        if (shared) await attempt('delete ephemeral (response_url)', () => respond({ delete_original: true }));
        return;
      }
      if (body.view?.type === 'home') {
        const view = answer ? renderSlackHome([answer], { back: answer.lang }) : { type: 'home' as const, blocks: renderSlackFailure().blocks };
        await attempt('views.publish', () => client.views.publish({ user_id: user, view }));
        return;
      }
      // The card changes at once; a picture not uploaded yet is patched in by a second update.
      const cached = await pictures.cachedFileId(answer, team);
      const later = cached ? undefined : pictures.fileId(answer, team);
      if (body.container.is_ephemeral) {
        // chat.update cannot touch ephemeral messages; response_url can, and the Share button stays.
        const update = (pictureFileId?: string) => respond({ replace_original: true, ...render(answer, { share: value, pictureFileId }) });
        await attempt('update ephemeral (response_url)', () => update(cached));
        const fileId = await later;
        if (fileId) await attempt('update ephemeral (picture)', () => pictures.whenProcessed(() => update(fileId)));
        return;
      }
      // chat.update keeps working after response_url expires (30 min, 5 uses); response_url is the
      // fallback for messages the bot token may not edit (e.g. shared through a response_url).
      const channel = body.channel?.id ?? body.container.channel_id;
      const ts = body.message?.ts ?? body.container.message_ts;
      const update = async (pictureFileId?: string) => {
        const message = render(answer, { pictureFileId });
        const updated = channel && ts && (await attempt('chat.update', () => client.chat.update({ channel, ts, ...message })));
        if (!updated) await attempt('update (response_url)', () => respond({ replace_original: true, ...message }));
      };
      await update(cached);
      const fileId = await later;
      if (fileId) await update(fileId);
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
    const { ack, followUp } = slashCommand({
      text: form.get('text') ?? '', user_id: form.get('user_id') ?? undefined,
      team_id: form.get('team_id') ?? undefined, response_url: form.get('response_url') ?? undefined,
    });
    boltHttp.buildContentResponse(res, ack);
    void followUp();
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
