/**
 * Slack transport on @slack/bolt: slash command, @mentions, DMs, buttons and App Home in; rendered
 * cards out. No card content is built here — the core answers, src/render/slack.ts renders.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  App, HTTPModuleFunctions as boltHttp, HTTPReceiver, HTTPResponseAck, isRawBodyError, LogLevel, SocketModeReceiver, webApi,
  type BlockAction, type ButtonAction, type Logger as BoltLogger, type ReceiverEvent,
} from '@slack/bolt';
import { SLASH_COMMAND } from '../../core/commands.js';
import { questionLang } from '../../core/parse.js';
import type { Answer, ConversationContext, Inbound, Lang, Turn } from '../../core/types.js';
import { ConfigError, DEFAULT_API_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS, type SlackConfig } from '../../infra/config.js';
import { seconds, settleBy, withTimeout } from '../../infra/deadline.js';
import { isFirstDelivery } from '../../infra/dedup.js';
import { MAX_BODY_BYTES, refuse, type Route } from '../../infra/http-server.js';
import type { Logger } from '../../infra/log.js';
import type { DeliveryOptions, FailureVerdict } from '../../infra/outbox.js';
import type { EventKind, EventReport } from '../../infra/report.js';
import {
  ACTION_PREFIX, HOME_ACTION_ID, SHARE_ACTION_ID,
  renderSlackAnswer, renderSlackFailure, renderSlackHome, renderSlackJson, type RenderOptions, type SlackMessage,
} from '../../render/slack.js';
import { createOutbox, reporterOf, type AdapterDeps, type PlatformAdapter } from '../adapter.js';
import { contextFor, createAnswerMemo } from '../answer-memo.js';
import { createConversations, type Conversation } from '../conversations.js';
import { createLangMemory } from '../lang-memory.js';
import { slackFetch } from './fetch.js';
import { createSlackPictures } from './pictures.js';
import { conversationOfPost, inCommand, screenMessageEvent, type SlackMessageEvent } from './inbound.js';
import { isSslCheck, screenSignedBody } from './screen.js';
import { slackSignatureProblem } from './signature.js';

/** Bolt's receiver path for commands, events and interactivity alike (configure it in the app's URLs). */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Platform errors worth another attempt; every other `ok: false` is final. */
const RETRYABLE_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/** A slash command's answer is seen by the asker alone until they press Share. */
const EPHEMERAL = { response_type: 'ephemeral' } as const;

/** How long a viewer's Slack locale is reused for App Home: people rarely change their language. */
export const LOCALE_CACHE_TTL_MS = 60 * 60 * 1000;

export function createSlackAdapter(config: SlackConfig, deps: AdapterDeps, options: DeliveryOptions = {}): PlatformAdapter {
  const log = deps.logger;
  const report = reporterOf(deps);
  const logger = toBoltLogger(log);
  const apiTimeoutMs = options.apiTimeoutMs ?? DEFAULT_API_TIMEOUT_MS;
  const apiUrl = config.apiUrl ? { slackApiUrl: config.apiUrl } : {};
  // Bolt's own client: auth.test at start-up and, in Socket Mode, apps.connections.open.
  const clientOptions: webApi.WebClientOptions = {
    ...apiUrl,
    fetch: slackFetch,
    timeout: apiTimeoutMs,
    // Also stops the Socket Mode client from swapping in its own 100-retry policy for every call.
    retryConfig: webApi.retryPolicies.fiveRetriesInFiveMinutes,
  };
  // Every reply goes through a client of its own and the outbox: no retries inside the client (the
  // outbox retries, per conversation), and a 429 comes back as an error with its Retry-After instead
  // of pausing the client's one queue, which would hold every other channel too (PLATFORMS.md A10).
  const sender = new webApi.WebClient(config.botToken, {
    ...apiUrl,
    fetch: slackFetch,
    timeout: apiTimeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger,
  });
  const outbox = createOutbox('slack', report, log, (err) => slackVerdict(err, apiTimeoutMs), options);
  const postToResponseUrl = (url: string, message: object) => () => respondTo(url, message, apiTimeoutMs);
  if (config.mode === 'http' && !config.signingSecret) throw new ConfigError('SLACK_SIGNING_SECRET is missing: HTTP mode needs it');
  const signingSecret = config.signingSecret ?? '';
  if (config.mode === 'socket' && !config.appToken) throw new ConfigError('SLACK_APP_TOKEN is missing: Socket Mode needs it');
  // Our own HTTPReceiver, never started: its requestListener is mounted on the app's shared server.
  // Every POST reaches it only through screen() below, which has already checked the signature
  // (signature.ts), so Bolt does not compute the same HMAC a second time.
  const receiver = config.mode === 'http'
    ? new HTTPReceiver({ signingSecret, endpoints: [SLACK_EVENTS_PATH], logger, bodyLimit: MAX_BODY_BYTES, signatureVerification: false })
    : undefined;
  // Socket Mode's receiver is built here rather than by Bolt so its client's connection state is
  // visible: /readyz reports the socket down while the client reconnects.
  const socket = receiver ? undefined : new SocketModeReceiver({
    appToken: config.appToken ?? '', logger, installerOptions: { clientOptions },
  });
  /** The bot's identity from auth.test, which start() calls once with a bounded wait. */
  let identity: { botId?: string; botUserId?: string } | undefined;
  const app = new App({
    // Instead of `token`, with which Bolt calls auth.test itself, retrying for minutes when Slack does
    // not answer. Bolt's ignoreSelf reads the bot's ids from here.
    authorize: async () => {
      if (!identity) throw new Error('Slack adapter not started');
      return { botToken: config.botToken, ...identity };
    },
    logger,
    clientOptions,
    // Bolt's store is per channel, not per thread (conversations.ts keeps the bot's own); the default
    // one costs ~20% of Bolt's per-request CPU.
    convoStore: false,
    // The bot's own messages are ignored in inbound.ts with the rest, so that each gets its event line.
    ignoreSelf: false,
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

  const langs = createLangMemory({ store: deps.store, platform: 'slack', defaultLang: 'en', logger: log });
  /**
   * What the user asked, as the core takes it, with the text noted on the event's report. `typed`:
   * the user's own words (remembered language); a button's command carries its card's.
   */
  const question = async (text: string, userId: string | undefined, ev: EventReport | undefined, typed = true): Promise<Inbound> => {
    ev?.note({ text });
    const inbound = { text: fromSlackText(text), platform: 'slack' as const, userId };
    return typed ? langs.typed(inbound) : inbound;
  };
  /**
   * Where a conversation's context is kept (conversations.ts). Each question recalls its
   * conversation's context before the core answers it, and the context the core returns is kept.
   */
  const conversations = createConversations({ store: deps.store, platform: 'slack', logger: log, windowMs: deps.conversationWindowMs });
  /** The core's turn for `inbound` in a conversation whose context is `context`, its intent noted on the event's report. */
  const turnFor = (inbound: Inbound, context: ConversationContext | undefined, ev: EventReport): Turn | undefined => {
    try {
      const turn = deps.converse(inbound, context);
      ev.note({ intent: turn.answer.intent });
      return turn;
    } catch (err) {
      log.error({ req: ev.id }, 'slack: core handler failed:', err);
      return undefined;
    }
  };
  const recall = async (conversation: Conversation | undefined) => (await conversations.recall(conversation))?.context;
  /**
   * The core's answer to what the user asked in `conversation` (none: a question on its own), its
   * context recalled meanwhile; the new context kept.
   */
  const ask = async (text: string, userId: string | undefined, ev: EventReport, conversation?: Conversation, typed = true) => {
    const [inbound, context] = await Promise.all([question(text, userId, ev, typed), recall(conversation)]);
    const turn = turnFor(inbound, context, ev);
    if (turn) conversations.keep(conversation, turn.context);
    return turn?.answer;
  };
  const begin = (kind: EventKind, ref?: string) => report.begin('slack', kind, ref);
  const render = (answer: Answer | undefined, opts: Omit<RenderOptions, 'lang'> = {}): SlackMessage =>
    answer ? renderSlackAnswer(answer, opts) : renderSlackFailure();
  /**
   * A private answer's picture: a message only the asker sees cannot carry a file (docs/slack.md, "Who can see
   * an uploaded picture"), so it shows by `image_url` the bot serves itself, with PUBLIC_BASE_URL only.
   */
  const privatePicture = (answer: Answer | undefined): string | undefined =>
    answer?.card.image && deps.pictureLinks?.urlFor(answer.card.image, answer.lang);

  /**
   * Every reply goes through the outbox (bounded, retried, logged once if it finally fails), keyed by
   * the conversation it goes to. Resolves true once delivered; never throws.
   */
  const deliver = (conversation: string, what: string, call: () => Promise<unknown>): Promise<boolean> =>
    outbox.send(conversation, `${what} to ${conversation}`, call, what.includes('response_url') ? 'response_url' : what.split(' ')[0]);
  // Pictures are uploaded through the same outbox and client as the replies.
  const pictures = createSlackPictures(sender, deps, deliver);
  /** The outcome of an event whose answer is a send: answered when it went out. */
  const sent = (ev: EventReport, ok: boolean | undefined) => ev.done(ok ? 'answered' : 'failed');

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
  const viewerLocale = async (user: string): Promise<string | undefined> => {
    const key = `slack:locale:${user}`;
    const cached = await deps.store.get(key).catch((err: unknown) => log.warn('slack: locale cache read failed:', describe(err)));
    if (typeof cached === 'string') return cached;
    try {
      const locale = (await sender.users.info({ user, include_locale: true })).user?.locale?.toLowerCase() ?? '';
      await deps.store.set(key, locale, LOCALE_CACHE_TTL_MS).catch((err: unknown) => log.warn('slack: locale cache write failed:', describe(err)));
      return locale;
    } catch (err) {
      log.warn('slack: users.info failed, showing both languages:', describe(err));
      return undefined;
    }
  };

  const viewerLangs = async (user: string): Promise<Lang[]> => {
    const locale = await viewerLocale(user);
    if (locale?.startsWith('zh')) return ['zh'];
    if (locale?.startsWith('en')) return ['en'];
    return ['zh', 'en'];
  };

  const publishOverview = async (user: string, langs?: Lang[]): Promise<boolean> => {
    const answers: Answer[] = [];
    for (const lang of langs ?? (await viewerLangs(user))) {
      try {
        answers.push(deps.overview(lang));
      } catch (err) {
        log.error('slack: overview failed:', err);
      }
    }
    const view = answers.length > 0 ? renderSlackHome(answers) : { type: 'home' as const, blocks: renderSlackFailure().blocks };
    return deliver(user, 'views.publish', () => sender.views.publish({ user_id: user, view }));
  };

  // Every listener's work counts until it is done, so shutdown waits for replies not queued yet.
  // Events API callbacks are counted by their admission already (admitCallback).
  app.use(async ({ body, next }) => {
    await (body.type === 'event_callback' ? next() : outbox.track(next()));
  });

  /**
   * An Events API callback (mentions, DMs, App Home) goes to Bolt only once the outbox admits it:
   * while its reply backlog is full the ack waits, bounded (see Outbox.admit), and if there is still
   * no room it is not acked at all (`refuse`: a 503 over HTTP, silence over Socket Mode), so Slack
   * delivers it again (A4: a retry at once, after 1 min, after 5 min). `process` runs Bolt's
   * listeners; it acks first. A refused event was never claimed as seen, so its retry is answered.
   */
  const admitCallback = async (body: Record<string, unknown>, process: () => Promise<void>, refuse: () => void) => {
    // A message that gets no reply (most of what message.channels brings: channel chatter) needs no
    // room in the backlog: acked and ignored at once, never refused and sent again.
    if (getsNoReply(body.event)) return process();
    if (await outbox.admit(process)) return;
    const event = body.event as { type?: string; channel_type?: string } | undefined;
    const kind: EventKind = event?.type === 'app_mention' ? 'mention' : event?.type === 'app_home_opened' ? 'home'
      : event?.type === 'message' ? (event.channel_type === 'im' ? 'dm' : 'message') : 'other';
    begin(kind, body.event_id as string | undefined).done('refused', { reason: 'reply backlog full' });
    refuse();
  };
  const getsNoReply = (event: unknown): boolean => {
    const e = event as SlackMessageEvent | undefined;
    return (e?.type === 'message' || e?.type === 'app_mention') && screenMessageEvent(e, identity ?? {}).kind === 'ignore';
  };
  if (socket) {
    // The receiver's own listener, called only for what is admitted; an envelope not acked is sent again.
    const [bolt] = socket.client.listeners('slack_event') as ((args: { type: string; body: Record<string, unknown> }) => Promise<void>)[];
    socket.client.removeAllListeners('slack_event');
    socket.client.on('slack_event', (args: { type: string; body: Record<string, unknown> }) => (args.type === 'events_api'
      ? admitCallback(args.body, () => bolt!(args), () => undefined)
      : bolt!(args)));
  }

  // The card rides in the ack itself: no second round trip, and ephemeral, so only the asker sees it
  // until they press Share. HTTP mode answers it on the fast path below; Socket Mode comes here.
  // A person's `/iiot` continues their last one in the same channel for a few minutes.
  const slashAnswer = async (text: string, userId: string, channel: string, ev: EventReport) => {
    const answer = await ask(text, userId, ev, inCommand(channel, userId));
    return { answer, share: shareOf(text, answer) };
  };
  /**
   * HTTP mode's ack, as JSON: the same question with the same fallback language gets the same
   * bytes, so popular ones are answered and rendered once (answer-memo.ts). The event is still
   * reported in full: text, intent, outcome.
   */
  const acks = createAnswerMemo<{ turn: Turn; json: string }>();
  const slashJson = async (text: string, userId: string | undefined, channel: string | undefined, ev: EventReport) => {
    const conversation = userId && channel ? inCommand(channel, userId) : undefined;
    // A follow-up's context is part of the memo's key: it is never served the answer to its words alone.
    const [inbound, recalled] = await Promise.all([question(text, userId, ev), recall(conversation)]);
    const context = contextFor(inbound.text, recalled);
    const kept = acks.get({ ...inbound, text, context }, () => {
      const turn = turnFor(inbound, context, ev);
      return turn && { turn, json: renderSlackJson(turn.answer, { share: shareOf(text, turn.answer), pictureUrl: privatePicture(turn.answer) }, EPHEMERAL) };
    });
    if (kept) {
      ev.note({ intent: kept.turn.answer.intent });
      conversations.keep(conversation, kept.turn.context ?? recalled);
      privatePicture(kept.turn.answer); // a kept ack's picture stays served
    }
    return kept ?? { json: renderSlackJson(undefined, {}, EPHEMERAL) };
  };
  app.command(SLASH_COMMAND.command, async ({ command, ack }) => {
    const ev = begin('command');
    const { answer, share } = await slashAnswer(command.text, command.user_id, command.channel_id, ev);
    await ack({ ...EPHEMERAL, ...render(answer, { share, pictureUrl: privatePicture(answer) }) });
    ev.done('answered');
  });

  /**
   * A reply in a conversation: the card at once (the event's line is written then), then its picture,
   * uploaded into the same conversation and thread through the same outbox (the bot is a member: it
   * was mentioned or messaged there).
   */
  const reply = async (ev: EventReport, answer: Answer | undefined, channel: string, threadTs: string | undefined) => {
    const posted = await deliver(channel, 'chat.postMessage', () => sender.chat.postMessage({ channel, thread_ts: threadTs, ...render(answer) }));
    sent(ev, posted);
    if (posted) await pictures.uploadInto(answer, channel, threadTs);
  };

  /**
   * A mention or a message: answered or not as inbound.ts decides, with one event line either way
   * (an ignored one says why, never what was written).
   */
  const answerMessage = async (kind: EventKind, event: SlackMessageEvent, eventId: string) => {
    const ev = begin(kind, eventId);
    const verdict = screenMessageEvent(event, identity ?? {});
    if (verdict.kind === 'ignore') return ev.done('ignored', { reason: verdict.reason, malformed: verdict.malformed });
    // Recalled first: an un-mentioned thread reply is answered only where the bot has answered
    // before (a thread it is part of); otherwise nothing of it is kept or logged but why.
    const kept = await conversations.recall(verdict.conversation);
    if (verdict.followUp && !kept) return ev.done('ignored', { reason: 'thread reply where the bot has not answered' });
    if (!(await firstDelivery(`event:${eventId}`, `msg:${verdict.channel}:${verdict.ts}`))) return ev.done('duplicate');
    // A follow-up's text is noted only once it is answered: people also talk to each other in a
    // thread, and what the core cannot read as a question to it is left alone.
    const turn = turnFor(await question(verdict.text, verdict.user, verdict.followUp ? undefined : ev), kept?.context, ev);
    // Help is what the core gives for words with no question in them (好的谢谢, ok thanks): in a thread
    // without a mention that is people talking, not a request for the help card.
    if (verdict.followUp && (turn?.answer.intent === 'unknown' || turn?.answer.intent === 'help')) {
      return ev.done('ignored', { reason: 'thread reply not understood without a mention' });
    }
    if (verdict.followUp) ev.note({ text: verdict.text });
    if (turn) conversations.keep(verdict.conversation, turn.context);
    await reply(ev, turn?.answer, verdict.channel, verdict.threadTs);
  };
  app.event('app_mention', ({ event, body }) => answerMessage('mention', event, body.event_id));
  app.event('message', ({ event, body }) => answerMessage(event.channel_type === 'im' ? 'dm' : 'message', event, body.event_id));

  app.event('app_home_opened', async ({ event, body }) => {
    const ev = begin('home', body.event_id);
    if (event.tab === 'messages') return ev.done('ignored', { reason: 'Messages tab' }); // older payloads have no tab: treat them as Home
    if (!(await firstDelivery(`event:${body.event_id}`))) return ev.done('duplicate');
    sent(ev, await publishOverview(event.user));
  });

  // Any other event type (a subscription added in the app's settings) is acked by Bolt; it gets its line too.
  app.event(/^(?!(app_mention|message|app_home_opened)$)/, async ({ event, body }) => {
    begin('other', body.event_id).done('ignored', { reason: `event type ${event.type.slice(0, 60)}: no listener` });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: new RegExp(`^${ACTION_PREFIX}`) },
    async ({ ack, body, action }) => {
      await ack();
      const ev = begin('action', action.action_id);
      const value = action.value ?? '';
      const user = body.user.id;
      if (action.action_id === HOME_ACTION_ID) {
        return sent(ev, await publishOverview(user, value === 'zh' || value === 'en' ? [value] : ['zh', 'en']));
      }
      const channel = body.channel?.id ?? body.container.channel_id ?? user;
      // A click continues the conversation of the message it is on: a private answer's is the
      // clicker's /iiot in that channel (Share too); App Home's buttons are questions on their own.
      const conversation = body.view?.type === 'home' ? undefined
        : action.action_id === SHARE_ACTION_ID || body.container.is_ephemeral ? inCommand(channel, user)
          : conversationOfPost(channel, body.message?.ts ?? body.container.message_ts, body.message?.thread_ts);
      const answer = await ask(value, user, ev, conversation, false);
      const respond = (what: string, message: object, wrap = (call: () => Promise<void>) => call()) => (body.response_url
        ? deliver(channel, `${what} (response_url)`, () => wrap(postToResponseUrl(body.response_url!, message)))
        : Promise.resolve(false));
      if (action.action_id === SHARE_ACTION_ID) {
        if (!answer) return ev.done('failed', { reason: 'nothing to share' }); // never broadcast an apology; the private card stays as it was
        // An ephemeral message cannot become public: post a public copy, then remove the private one.
        // The picture goes public only now, uploaded into the channel after the shared card.
        const shared = await respond('share', { response_type: 'in_channel', replace_original: false, ...render(answer) });
        if (shared) await respond('delete ephemeral', { delete_original: true });
        sent(ev, shared);
        if (shared) await pictures.uploadInto(answer, channel);
        return;
      }
      if (body.view?.type === 'home') {
        const view = answer ? renderSlackHome([answer], { back: answer.lang }) : { type: 'home' as const, blocks: renderSlackFailure().blocks };
        return sent(ev, await deliver(user, 'views.publish', () => sender.views.publish({ user_id: user, view })));
      }
      if (body.container.is_ephemeral) {
        // chat.update cannot touch ephemeral messages; response_url can, and the Share button stays.
        return sent(ev, await respond('update ephemeral', { replace_original: true, ...render(answer, { share: value, pictureUrl: privatePicture(answer) }) }));
      }
      // chat.update keeps working after response_url expires (30 min, 5 uses); response_url is the
      // fallback for messages the bot token may not edit (e.g. shared through a response_url).
      const ts = body.message?.ts ?? body.container.message_ts;
      const message = render(answer);
      const updated = (ts && (await deliver(channel, 'chat.update', () => sender.chat.update({ channel, ts, ...message }))))
        || (await respond('update', { replace_original: true, ...message }));
      sent(ev, updated);
      // The new card's picture follows in the card's thread, as for a new answer.
      if (updated) await pictures.uploadInto(answer, channel, body.message?.thread_ts);
    });

  // Buttons and shortcuts the bot has no listener for (a stale button from an older build, another
  // app's card, a shortcut added in the app's settings) are acked at once all the same: without an
  // ack Slack shows the person who clicked an error after 3 s (PLATFORMS.md A2, D).
  app.action({ type: 'block_actions', action_id: new RegExp(`^(?!${ACTION_PREFIX})`) }, async ({ ack, action }) => {
    await ack();
    begin('action', action.action_id.slice(0, 100)).done('ignored', { reason: 'no listener for this action_id' });
  });
  app.shortcut({}, async ({ ack, shortcut }) => {
    await ack();
    const where = shortcut.type === 'message_action' ? 'message' : 'global';
    begin('shortcut', String(shortcut.callback_id).slice(0, 100)).done('ignored', { reason: `${where} shortcut: the bot has none` });
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
   * Every POST is buffered (with Bolt's own function) and its signature checked here, once, before
   * Bolt sees it. A correctly signed body Bolt cannot route (`null`, `{}`, `[]`, a payload that is not
   * JSON) is refused at once with a 400: Bolt would crash on `null` (an unhandled rejection) and
   * hold the others 3 s for a 404. The one hot request, a signed `/iiot`, is answered here too,
   * without Bolt's dispatch through every listener's middleware: that dispatch is most of Bolt's
   * per-request cost (`npm run bench`). A request that fails the signature check gets its 401 here;
   * everything else goes to Bolt, which reuses the buffered body (and trusts this check).
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
    const forged = slackSignatureProblem(signingSecret, {
      timestamp: req.headers['x-slack-request-timestamp'] as string | undefined,
      signature: req.headers['x-slack-signature'] as string | undefined,
    }, buffered.rawBody);
    if (forged) {
      // Slack's probe of a slash command's URL comes unsigned (bolt-js#1397): a 200, and nothing in it is used.
      if (isSslCheck(req.headers, buffered.rawBody)) return void res.writeHead(200).end();
      report.rejected('slack', 401, forged);
      return refuse(res, 401);
    }
    const screened = screenSignedBody(req.headers['content-type'], buffered.rawBody.toString());
    if (!screened.ok) {
      report.rejected('slack', screened.status, screened.reason);
      return refuse(res, screened.status);
    }
    const { form, body } = screened;
    // An Events API callback (JSON) goes to Bolt's App as its HTTPReceiver would hand it over, but
    // once admitted, and with the listeners' work counted until it is done.
    if (body?.type === 'event_callback') {
      // Bolt's ack starts its 3-second "not acknowledged" timer when made: only once admitted.
      const event = (): ReceiverEvent => ({
        body,
        ack: new HTTPResponseAck({ logger, processBeforeResponse: false, httpRequest: buffered, httpRequestBody: body, httpResponse: res }).bind(),
        retryNum: boltHttp.extractRetryNumFromHTTPRequest(buffered),
        retryReason: boltHttp.extractRetryReasonFromHTTPRequest(buffered),
        customProperties: {},
      });
      // Never `x-slack-no-retry`: the retry is the point.
      return admitCallback(body, () => app.processEvent(event()), () => res.writeHead(503).end());
    }
    if (!form) return toBolt(buffered, res);
    if (form.get('command') !== SLASH_COMMAND.command) return toBolt(buffered, res);
    const ev = begin('command');
    // Serialised once (renderSlackJson) and written in one piece with its length: Bolt's
    // buildContentResponse would serialise again and send it chunked.
    const { json } = await slashJson(form.get('text') ?? '', form.get('user_id') ?? undefined, form.get('channel_id') ?? undefined, ev);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
    ev.done('answered');
    // After the ack, tracked so shutdown waits for it like for a listener.
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
      const where = config.apiUrl ?? 'https://slack.com/api/';
      const noAnswer = (call: string, ms: number) =>
        new StartupError(`Slack did not answer ${call} within ${seconds(ms)} (${where}): check the network${config.apiUrl ? ' and SLACK_API_URL' : ''}`);
      try {
        // auth.test gets API_TIMEOUT_MS in all, as the docs say: a failure that comes back at once (the
        // network refused, a 5xx, a 429) is tried again within it, a few times; no answer ends it, and so
        // does a refused token.
        const deadline = Date.now() + apiTimeoutMs;
        for (let attempt = 1; !identity; attempt++) {
          try {
            const auth = await withTimeout(sender.auth.test(), deadline - Date.now(), () => noAnswer('auth.test', apiTimeoutMs));
            identity = { botId: auth.bot_id, botUserId: auth.user_id };
          } catch (err) {
            if (isRequestTimeout(err)) throw noAnswer('auth.test', apiTimeoutMs);
            const verdict = slackVerdict(err, apiTimeoutMs);
            const wait = verdict.retryAfterMs ?? 1000;
            if (!verdict.retry || attempt >= STARTUP_ATTEMPTS || Date.now() + wait >= deadline) throw err;
            await new Promise((r) => setTimeout(r, wait));
          }
        }
        await app.init();
      } catch (err) {
        throw startError(err, 'SLACK_BOT_TOKEN', where);
      }
      if (!receiver) {
        // Bolt's Socket Mode client retries for minutes; start-up gives up after a few API timeouts.
        const startTimeoutMs = STARTUP_ATTEMPTS * apiTimeoutMs;
        try {
          await withTimeout(app.start(), startTimeoutMs, () => noAnswer('apps.connections.open (Socket Mode)', startTimeoutMs));
        } catch (err) {
          throw startError(err, 'SLACK_APP_TOKEN', where);
        }
      }
      started = true;
      if (receiver) report.connection('slack', true);
    },
    async stop(deadline = Date.now() + DEFAULT_SHUTDOWN_TIMEOUT_MS) {
      // No new events (HTTP answers 503, the socket closes: Slack re-delivers elsewhere), then the
      // replies under way, until the deadline.
      stopping = true;
      started = false;
      report.connection('slack', false);
      if (!receiver) await settleBy(app.stop(), deadline);
      await outbox.drain(deadline);
      pictures.abandon();
    },
    notReady() {
      if (!started) return stopping ? 'stopped' : 'starting';
      if (socket && !connected) return 'Socket Mode connection down, reconnecting';
      return undefined;
    },
    deliveries: () => outbox.stats,
  };
}

/**
 * Attempts at auth.test that fail at once before start-up gives up, all within API_TIMEOUT_MS; Socket
 * Mode's connection gets this many API timeouts.
 */
const STARTUP_ATTEMPTS = 3;

class ResponseUrlError extends Error {
  constructor(message: string, readonly status: number, readonly retryAfterS?: number) {
    super(message);
  }
}

/**
 * POSTs a message to an interaction's `response_url` (Bolt's respond() has no timeout and hides
 * Slack's answer). Slack answers 200 `{ok:false,error}` for some refusals, 404 once it has expired.
 */
async function respondTo(url: string, message: object, timeoutMs: number): Promise<void> {
  const res = await slackFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new ResponseUrlError(`HTTP ${res.status} ${text.slice(0, 100)}`.trim(), res.status, Number(res.headers.get('retry-after')) || undefined);
  let refused: unknown;
  try {
    const parsed = JSON.parse(text) as { ok?: boolean; error?: unknown };
    if (parsed?.ok === false) refused = parsed.error ?? 'ok: false';
  } catch { /* Slack's plain "ok" */ }
  if (refused !== undefined) throw new ResponseUrlError(String(refused), res.status);
}

const isTimeout = (err: unknown): boolean => (err as { name?: string } | undefined)?.name === 'TimeoutError';
/** A Web API call (or fetch) that ended because its timeout ran out. */
const isRequestTimeout = (err: unknown): boolean => isTimeout(err) || isTimeout((err as { original?: unknown } | undefined)?.original);

/** Reads a failed Web API or response_url call for the outbox: retry or not, after how long, why. */
function slackVerdict(err: unknown, timeoutMs: number): FailureVerdict {
  if (err instanceof ResponseUrlError) {
    const retry = err.status === 429 || err.status >= 500;
    return { retry, retryAfterMs: err.retryAfterS && err.retryAfterS * 1000, reason: err.message };
  }
  if (isRequestTimeout(err)) return { retry: true, reason: `no answer within ${seconds(timeoutMs)}` };
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; original?: Error };
  switch (e?.code) {
    case webApi.ErrorCode.RateLimitedError:
      return { retry: true, retryAfterMs: (e.retryAfter ?? 1) * 1000, reason: `rate limited (Retry-After ${e.retryAfter} s)` };
    case webApi.ErrorCode.HTTPError:
      return { retry: (e.statusCode ?? 0) >= 500, reason: `HTTP ${e.statusCode}` };
    case webApi.ErrorCode.RequestError:
      return { retry: true, reason: describe(err) };
    case webApi.ErrorCode.PlatformError: {
      const code = platformErrorCode(err) ?? 'ok: false';
      return { retry: RETRYABLE_ERRORS.has(code), reason: code };
    }
    default:
      return { retry: true, reason: describe(err) }; // a network error from fetch itself
  }
}

/** Share runs the command again: one with no language of its own keeps the one it was answered in. */
function shareOf(text: string, answer: Answer | undefined): string {
  return `${text.trim() || 'help'}${answer && !questionLang(text) ? ` --lang ${answer.lang}` : ''}`;
}

/**
 * Slack sends what people typed with `&`, `<` and `>` as entities (`北京 &amp; 上海`), and its own
 * markup (`<@U123>`, `<!channel>`) as is. Decoding the three entities gives the core what was typed;
 * the renderer escapes everything again on the way out, so nothing becomes markup.
 */
function fromSlackText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

/** Turns a start-up failure into one line; a token Slack rejects is an operator error naming its variable. */
function startError(err: unknown, variable: string, where: string): Error {
  if (err instanceof StartupError) return err;
  const code = platformErrorCode(err);
  if (code && AUTH_ERRORS.has(code)) return new ConfigError(`${variable} was rejected by Slack (${code})`);
  return new Error(`Slack start-up failed (${where}): ${describe(err)}`);
}

/** A start-up failure already worded as the one line to print. */
class StartupError extends Error {}

function platformErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

function describe(err: unknown): string {
  const code = platformErrorCode(err);
  if (code) return code;
  // A request error wraps fetch's, whose cause has the system error (ECONNREFUSED, ENOTFOUND…).
  const inner = (err as { original?: Error }).original ?? err;
  const cause = (inner as { cause?: { code?: string; message?: string } }).cause;
  const message = inner instanceof Error ? inner.message : String(inner);
  return cause?.code || cause?.message ? `${message} (${cause.code ?? cause.message})` : message;
}

/** Bolt, the Web API client and the Socket Mode client all want setLevel/getLevel/setName; ours filters itself. */
function toBoltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...m: unknown[]) => log.debug('slack:', ...m),
    info: (...m: unknown[]) => log.info('slack:', ...m),
    // The Web API client warns on every failed request; the adapter logs each failure once, with context.
    warn: (...m: unknown[]) => (m[0] === 'http request failed' ? log.debug : log.warn)('slack:', ...m),
    error: (...m: unknown[]) => log.error('slack:', ...m),
    setLevel: (l: LogLevel) => { level = l; },
    getLevel: () => level,
    setName: () => {},
  };
}
