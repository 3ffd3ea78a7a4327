/**
 * Slack transport on @slack/bolt: slash command, @mentions, DMs, buttons and App Home in; rendered
 * cards out. No card content is built here — the core answers, src/render/slack.ts renders.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  App, HTTPModuleFunctions as boltHttp, HTTPReceiver, isRawBodyError, LogLevel, SocketModeReceiver, verifySlackRequest, webApi,
  type BlockAction, type ButtonAction, type Logger as BoltLogger,
} from '@slack/bolt';
import { SLASH_COMMAND } from '../../core/commands.js';
import type { Answer, Lang } from '../../core/types.js';
import { ConfigError, type SlackConfig } from '../../infra/config.js';
import { isFirstDelivery } from '../../infra/dedup.js';
import { MAX_BODY_BYTES, refuse, type Route } from '../../infra/http-server.js';
import type { Logger } from '../../infra/log.js';
import type { EventKind, EventReport } from '../../infra/report.js';
import {
  ACTION_PREFIX, HOME_ACTION_ID, SHARE_ACTION_ID,
  renderSlackAnswer, renderSlackFailure, renderSlackHome, type RenderOptions, type SlackMessage,
} from '../../render/slack.js';
import { reporterOf, type AdapterDeps, type PlatformAdapter } from '../adapter.js';
import { screenSignedBody } from './screen.js';

/** Bolt's receiver path for commands, events and interactivity alike (configure it in the app's URLs). */
export const SLACK_EVENTS_PATH = '/slack/events';

type WebClient = webApi.WebClient;

export function createSlackAdapter(config: SlackConfig, deps: AdapterDeps): PlatformAdapter {
  const log = deps.logger;
  const report = reporterOf(deps);
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
    ? new HTTPReceiver({ signingSecret: config.signingSecret ?? '', endpoints: [SLACK_EVENTS_PATH], logger, bodyLimit: MAX_BODY_BYTES })
    : undefined;
  // Socket Mode's receiver is built here rather than by Bolt so its client's connection state is
  // visible: /readyz reports the socket down while the client reconnects.
  const socket = receiver ? undefined : new SocketModeReceiver({
    appToken: config.appToken ?? '', logger, installerOptions: { clientOptions },
  });
  const app = new App({
    token: config.botToken,
    logger,
    clientOptions,
    // The bot keeps no conversation state; the default store costs ~20% of Bolt's per-request CPU.
    convoStore: false,
    // auth.test then runs in start(), where a bad token rejects cleanly instead of surfacing later as an
    // unhandled rejection from the constructor.
    deferInitialization: true,
    receiver: receiver ?? socket,
  });
  let connected = false;
  if (socket) {
    const up = (isUp: boolean, why: string) => {
      if (isUp === connected) return;
      connected = isUp;
      report.connection('slack', isUp);
      if (isUp) log.info('slack: Socket Mode connected');
      else log.warn(`slack: Socket Mode connection lost (${why}), reconnecting`);
    };
    socket.client.on('connected', () => up(true, 'connected'));
    // The client notices a dead socket by its ping timeouts (to and from Slack) and closes it.
    socket.client.on('close', () => { if (started && !stopping) up(false, 'socket closed'); });
    socket.client.on('reconnecting', () => { if (!stopping) up(false, 'reconnecting'); });
  }

  const ask = (text: string, userId: string | undefined, ev: EventReport): Answer | undefined => {
    ev.note({ text });
    try {
      const answer = deps.handle({ text: fromSlackText(text), platform: 'slack', userId });
      ev.note({ intent: answer.intent });
      return answer;
    } catch (err) {
      log.error({ req: ev.id }, 'slack: core handler failed:', err);
      return undefined;
    }
  };
  const begin = (kind: EventKind, ref?: string) => report.begin('slack', kind, ref);
  const render = (answer: Answer | undefined, opts: Omit<RenderOptions, 'lang'> = {}): SlackMessage =>
    answer ? renderSlackAnswer(answer, opts) : renderSlackFailure();

  /** Send errors are logged, never thrown: a failed reply must not take the process down. */
  const attempt = async (what: string, send: () => Promise<unknown>): Promise<boolean> => {
    try {
      await send();
      return true;
    } catch (err) {
      report.apiError('slack', what.includes('response_url') ? 'response_url' : what, false);
      log.error(`slack: ${what} failed:`, describe(err));
      return false;
    }
  };
  /** The outcome of an event whose answer is a send: answered when it went out. */
  const sent = (ev: EventReport, ok: boolean | undefined) => ev.done(ok ? 'answered' : 'failed');

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

  const publishOverview = async (client: WebClient, user: string, langs?: Lang[]): Promise<boolean> => {
    const answers: Answer[] = [];
    for (const lang of langs ?? (await viewerLangs(client, user))) {
      try {
        answers.push(deps.overview(lang));
      } catch (err) {
        log.error('slack: overview failed:', err);
      }
    }
    const view = answers.length > 0 ? renderSlackHome(answers) : { type: 'home' as const, blocks: renderSlackFailure().blocks };
    return attempt('views.publish', () => client.views.publish({ user_id: user, view }));
  };

  // The card rides in the ack itself: no second round trip, and ephemeral, so only the asker sees it
  // until they press Share. HTTP mode answers it on the fast path below; Socket Mode comes here.
  const slashAck = (text: string, userId: string | undefined, ev: EventReport) =>
    ({ response_type: 'ephemeral' as const, ...render(ask(text, userId, ev), { share: text.trim() || 'help' }) });
  app.command(SLASH_COMMAND.command, async ({ command, ack }) => {
    const ev = begin('command');
    await ack(slashAck(command.text, command.user_id, ev));
    ev.done('answered');
  });

  app.event('app_mention', async ({ event, body, client }) => {
    if (event.bot_id || event.subtype) return; // other bots and edits: never start a bot-to-bot loop
    const ev = begin('mention', body.event_id);
    if (!(await firstDelivery(`event:${body.event_id}`, `msg:${event.channel}:${event.ts}`))) return ev.done('duplicate');
    const message = render(ask(event.text, event.user, ev));
    sent(ev, await attempt('chat.postMessage', () => client.chat.postMessage({ channel: event.channel, thread_ts: event.thread_ts ?? event.ts, ...message })));
  });

  app.event('message', async ({ event, body, client }) => {
    // Subtypes are edits, deletions, joins, bot_message…: only a person's new DM gets an answer.
    if (event.subtype !== undefined || event.channel_type !== 'im' || event.bot_id) return;
    const ev = begin('dm', body.event_id);
    if (!(await firstDelivery(`event:${body.event_id}`, `msg:${event.channel}:${event.ts}`))) return ev.done('duplicate');
    const message = render(ask(event.text ?? '', event.user, ev));
    sent(ev, await attempt('chat.postMessage', () => client.chat.postMessage({ channel: event.channel, thread_ts: event.thread_ts, ...message })));
  });

  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab === 'messages') return; // older payloads have no tab: treat them as Home
    const ev = begin('home', body.event_id);
    if (!(await firstDelivery(`event:${body.event_id}`))) return ev.done('duplicate');
    sent(ev, await publishOverview(client, event.user));
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: new RegExp(`^${ACTION_PREFIX}`) },
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const ev = begin('action', action.action_id);
      const value = action.value ?? '';
      const user = body.user.id;
      if (action.action_id === HOME_ACTION_ID) {
        return sent(ev, await publishOverview(client, user, value === 'zh' || value === 'en' ? [value] : ['zh', 'en']));
      }
      const answer = ask(value, user, ev);
      if (action.action_id === SHARE_ACTION_ID) {
        if (!answer) return ev.done('failed', { reason: 'nothing to share' }); // never broadcast an apology; the private card stays as it was
        // An ephemeral message cannot become public: post a public copy, then remove the private one.
        const shared = await attempt('share (response_url)', () => respond({ response_type: 'in_channel', replace_original: false, ...render(answer) }));
        if (shared) await attempt('delete ephemeral (response_url)', () => respond({ delete_original: true }));
        return sent(ev, shared);
      }
      if (body.view?.type === 'home') {
        const view = answer ? renderSlackHome([answer], { back: answer.lang }) : { type: 'home' as const, blocks: renderSlackFailure().blocks };
        return sent(ev, await attempt('views.publish', () => client.views.publish({ user_id: user, view })));
      }
      if (body.container.is_ephemeral) {
        // chat.update cannot touch ephemeral messages; response_url can, and the Share button stays.
        return sent(ev, await attempt('update ephemeral (response_url)', () => respond({ replace_original: true, ...render(answer, { share: value }) })));
      }
      // chat.update keeps working after response_url expires (30 min, 5 uses); response_url is the
      // fallback for messages the bot token may not edit (e.g. shared through a response_url).
      const message = render(answer);
      const channel = body.channel?.id ?? body.container.channel_id;
      const ts = body.message?.ts ?? body.container.message_ts;
      const updated = channel && ts && (await attempt('chat.update', () => client.chat.update({ channel, ts, ...message })));
      sent(ev, updated || (await attempt('update (response_url)', () => respond({ replace_original: true, ...message }))));
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
   * Every POST is buffered and its signature checked here, with Bolt's own functions, before Bolt
   * sees it. A correctly signed body Bolt cannot route (`null`, `{}`, `[]`, a payload that is not
   * JSON) is refused at once with a 400: Bolt would crash on `null` (an unhandled rejection) and
   * hold the others 3 s for a 404. The one hot request, a signed `/iiot`, is answered here too,
   * without Bolt's dispatch through every listener's middleware: that dispatch is most of Bolt's
   * per-request cost (`npm run bench`). A request that fails the signature check gets its 401 here;
   * everything else goes to Bolt, which reuses the buffered body and verifies it again.
   */
  const screen = async (req: IncomingMessage, res: ServerResponse) => {
    let buffered;
    try {
      buffered = await boltHttp.bufferIncomingMessage(req, MAX_BODY_BYTES);
    } catch (err) {
      if (isRawBodyError(err) && (err as { statusCode?: number }).statusCode === 413) {
        report.rejected('slack', 413, 'body too large');
        return refuse(res, 413);
      }
      log.info({ platform: 'slack' }, `request aborted by the client: ${(err as Error).message}`);
      return void res.destroy();
    }
    const body = buffered.rawBody.toString();
    try {
      verifySlackRequest({
        signingSecret: config.signingSecret ?? '',
        body,
        headers: {
          'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
          'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
        },
      });
    } catch (err) {
      // A bad signature or a stale timestamp: Bolt would refuse it the same way.
      report.rejected('slack', 401, (err as Error).message);
      return refuse(res, 401);
    }
    const screened = screenSignedBody(req.headers['content-type'], body);
    if (!screened.ok) {
      report.rejected('slack', screened.status, screened.reason);
      return refuse(res, screened.status);
    }
    const form = screened.form;
    if (form?.get('command') !== SLASH_COMMAND.command) return toBolt(buffered, res);
    const ev = begin('command');
    boltHttp.buildContentResponse(res, slashAck(form.get('text') ?? '', form.get('user_id') ?? undefined, ev));
    ev.done('answered');
  };

  let started = false;
  let stopping = false;
  const routes: Route[] = receiver
    ? [{
      path: SLACK_EVENTS_PATH,
      listener: (req, res) => {
        // Until auth.test has run the app has no authorize function; Slack retries a 503.
        if (!started) return void res.writeHead(503, { 'retry-after': '1' }).end();
        if (req.method !== 'POST') return toBolt(req, res);
        // Bolt reads a form body only if the content type is exactly this; a client that adds
        // `; charset=utf-8` would otherwise get a 400 for a correctly signed request.
        if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) req.headers['content-type'] = 'application/x-www-form-urlencoded';
        void screen(req, res).catch((err: unknown) => {
          log.error('slack: request failed:', err);
          refuse(res, 500);
        });
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
      started = true;
      if (receiver) report.connection('slack', true);
    },
    async stop() {
      stopping = true;
      started = false;
      report.connection('slack', false);
      if (!receiver) await app.stop();
    },
    notReady() {
      if (!started) return stopping ? 'stopped' : 'starting';
      if (socket && !connected) return 'Socket Mode connection down, reconnecting';
      return undefined;
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
