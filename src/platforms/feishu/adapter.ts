/**
 * Feishu/Lark transport: group @mentions, direct messages, card buttons and the bot menu, over the
 * long connection (WSClient) or the webhook (`/feishu/events`). Events become an `Inbound`, go
 * through `deps.converse` with their conversation's context (conversations.ts: a reply chain or
 * topic in a group, the person in a one-to-one chat), and the answer's card is rendered and sent.
 * Nothing here builds content.
 *
 * Feishu waits for our handler before it counts a delivery as done (HTTP 200 or the WS ack frame),
 * and re-pushes after 3 s. So message and menu handlers return at once and reply afterwards (only
 * while the outbox is full do they wait, bounded, for room, and refuse the event if none comes, for
 * Feishu to push it again: see `Outbox.admit`);
 * re-pushes and duplicate deliveries are dropped by `event_id` and `message_id` in the shared Store,
 * and every send carries a `uuid` so a retried send is never shown twice.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { lark, type Lark } from './sdk.js';
import { BOT_MENU } from '../../core/commands.js';
import type { Answer, ConversationContext, Inbound, Turn } from '../../core/types.js';
import { ConfigError, DEFAULT_API_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS, type FeishuConfig } from '../../infra/config.js';
import { seconds } from '../../infra/deadline.js';
import { isFirstDelivery } from '../../infra/dedup.js';
import type { Route } from '../../infra/http-server.js';
import type { Logger } from '../../infra/log.js';
import { EventRefused, type DeliveryOptions, type FailureVerdict } from '../../infra/outbox.js';
import type { EventReport, Outcome } from '../../infra/report.js';
import { feishuCardJson, MAX_COMMAND_CHARS, needsUpload, renderFeishuCard, type FeishuCard } from '../../render/feishu.js';
import { createOutbox, reporterOf, type AdapterDeps, type PlatformAdapter } from '../adapter.js';
import { contextFor, createAnswerMemo } from '../answer-memo.js';
import { createConversations, type Conversation } from '../conversations.js';
import { createLangMemory } from '../lang-memory.js';
import { createFeishuHttp, isTimeout, RATE_LIMITED } from './http.js';
import { createFeishuPictures } from './images.js';
import {
  classifyMessage, commandFromAction, conversationOf, conversationOfAction, defaultLangFor, personal,
  type CardActionEvent, type MenuEvent, type MessageEvent,
} from './inbound.js';
import { createWebhookListener } from './webhook.js';

export const FEISHU_EVENTS_PATH = '/feishu/events';

export interface FeishuAdapter extends PlatformAdapter {
  /** Resolves once every reply already under way has been sent or has failed (tests). */
  idle(): Promise<void>;
}

export interface FeishuAdapterOptions extends DeliveryOptions {
  /** Webhook timestamp tolerance; see webhook.ts. */
  maxSkewMs?: number;
  now?: () => number;
  /** How long start() waits for the long connection before resolving anyway (it keeps retrying). */
  connectTimeoutMs?: number;
  /** Long connection: seconds without a pong before the socket is presumed dead and replaced. */
  pingTimeoutSec?: number;
  /** Long connection: pause before a fresh client replaces one whose reconnects ran out. */
  restartDelayMs?: number;
}

/** The callback response that replaces the clicked card. */
export interface CardCallbackResponse {
  card?: { type: 'raw'; data: FeishuCard };
  toast?: { type: 'error'; content: string; i18n?: Record<string, string> };
}

interface ApiResult { code?: number; msg?: string; data?: { message_id?: string } }

/** How long a card callback (3 s in all) waits for a picture before answering without and patching it in. */
const CALLBACK_PICTURE_MS = 1500;

/**
 * node-sdk's logger, on ours. Its LoggerProxy passes arguments as one array; its error objects
 * carry the request body (whole cards), so objects are cut down to one short line. Its info
 * (banners, "ready") goes to debug. Its errors go to `errorsAt`: the Client's to debug, since every
 * call through it that finally fails is logged once by the outbox or by start(), with context.
 */
function sdkLogger(logger: Logger, errorsAt: 'warn' | 'debug' = 'warn'): Lark.Logger {
  const brief = (m: unknown): unknown => {
    if (m instanceof Error) return m.message;
    if (Array.isArray(m)) return m.map(brief).join(' ');
    if (m && typeof m === 'object') {
      // An axios error as a plain object: its message and the API's answer, never its config (the request).
      const e = m as { message?: string; response?: { status?: number; data?: unknown } };
      const text = e.message !== undefined ? `${e.message}${e.response ? ` ${JSON.stringify(e.response.data ?? '')}` : ''}` : JSON.stringify(m);
      return text.length > 300 ? `${text.slice(0, 300)}…` : text;
    }
    return m;
  };
  const flat = (msg: unknown[]) => (msg.length === 1 && Array.isArray(msg[0]) ? msg[0] : msg).map(brief);
  // WSClient logs a refused event (our EventRefused, its ack frame code 500) as an error: it is
  // already on the event's own line.
  const refusal = (m: unknown[]) => flat(m).some((x) => typeof x === 'string' && x.includes('EventRefused'));
  return {
    error: (...m: unknown[]) => (refusal(m) ? logger.debug : logger[errorsAt])('[lark]', ...flat(m)),
    warn: (...m: unknown[]) => logger[errorsAt]('[lark]', ...flat(m)),
    info: (...m: unknown[]) => logger.debug('[lark]', ...flat(m)),
    debug: (...m: unknown[]) => logger.debug('[lark]', ...flat(m)),
    trace: () => undefined,
  };
}

/** Send `uuid`s are at most 50 characters; Feishu shows one message per uuid within an hour. */
function sendUuid(prefix: string, id: string): string {
  const plain = `${prefix}-${id}`;
  return plain.length <= 50 ? plain : `${prefix}-${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
}

interface AxiosLikeError {
  message?: string;
  config?: { url?: string; timeout?: number };
  response?: { status?: number; data?: unknown; headers?: Record<string, unknown> };
}

/** The API path an axios error is about, without the domain. */
function pathOf(err: AxiosLikeError): string {
  const url = err.config?.url ?? '';
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** One log line for an SDK/axios failure: the API's code and message, not a dump of the request. */
function describe(err: unknown): string {
  const e = err as AxiosLikeError;
  if (e?.response) return `HTTP ${e.response.status} ${JSON.stringify(e.response.data ?? '').slice(0, 300)}`;
  if (isTimeout(err)) return `no answer from ${pathOf(e)} within ${seconds(e.config?.timeout ?? DEFAULT_API_TIMEOUT_MS)}`;
  return e?.message ?? String(err);
}

/** Feishu answered, with a code other than 0 (the SDK returns these rather than throwing). */
class ApiRefusal extends Error {
  constructor(readonly code: number | undefined, msg: string | undefined) {
    super(`code ${code}: ${msg}`);
  }
}

/**
 * Reads a failed send for the outbox. Network errors, timeouts, 5xx and rate limits are retried
 * (the send's uuid makes a retry safe); a rate limit, whether answered as a 429 or as a 200 (http.ts
 * rejects both with the answer's headers), waits as long as `x-ogw-ratelimit-reset` says.
 * Any other refusal (bot not in the chat, card invalid) is final.
 */
function feishuVerdict(err: unknown): FailureVerdict {
  if (err instanceof ApiRefusal) return { retry: false, reason: err.message };
  const response = (err as AxiosLikeError).response;
  if (!response) return { retry: true, reason: describe(err) };
  const status = response.status ?? 0;
  const limited = status === 429 || (response.data as ApiResult | undefined)?.code === RATE_LIMITED;
  const resetS = Number(response.headers?.['x-ogw-ratelimit-reset']);
  return {
    retry: limited || status >= 500,
    retryAfterMs: limited && resetS > 0 ? resetS * 1000 : undefined,
    reason: describe(err),
  };
}

export function createFeishuAdapter(config: FeishuConfig, deps: AdapterDeps, options: FeishuAdapterOptions = {}): FeishuAdapter {
  const { logger } = deps;
  const report = reporterOf(deps);
  const larkLogger = sdkLogger(logger);
  // A cache of our own: node-sdk's default token cache is module-level and keyed by appId only.
  const cache = new lark.DefaultCache();
  const apiTimeoutMs = options.apiTimeoutMs ?? DEFAULT_API_TIMEOUT_MS;
  const common = {
    appId: config.appId, appSecret: config.appSecret, domain: config.domain, logger: larkLogger, loggerLevel: lark.LoggerLevel.debug,
    httpInstance: createFeishuHttp(apiTimeoutMs),
  };
  const client = new lark.Client({ ...common, logger: sdkLogger(logger, 'debug'), appType: lark.AppType.SelfBuild, cache });
  const langs = createLangMemory({ store: deps.store, platform: 'feishu', defaultLang: defaultLangFor(config.domain), logger });
  const conversations = createConversations({ store: deps.store, platform: 'feishu', logger, windowMs: deps.conversationWindowMs });
  const outbox = createOutbox('feishu', report, logger, feishuVerdict, options);
  let started = false;
  let stopped = false;
  let wsClient: Lark.WSClient | undefined;

  // Picture uploads go through the outbox in the conversation that asked, like the replies.
  const pictures = createFeishuPictures(async (bytes, conversation, what) => {
    let key: string | undefined;
    const ok = await outbox.send(conversation, what, async () => {
      const r = await client.im.image.create({ data: { image_type: 'message', image: bytes } });
      key = r?.image_key;
      if (!key) throw new ApiRefusal(undefined, 'im.image.create returned no image_key');
    }, 'im.image.create');
    return ok ? key : undefined;
  }, deps, config.appId);

  // ---- bot identity: a group message is answered only if it mentions this open_id ----
  let botOpenIdPromise: Promise<string> | undefined;
  async function fetchBotOpenId(): Promise<string> {
    const r = await client.request<ApiResult & { bot?: { open_id?: string } }>({ method: 'GET', url: '/open-apis/bot/v3/info' });
    if (r?.code !== 0 || !r.bot?.open_id) throw new ConfigError(`code ${r?.code}: ${r?.msg ?? 'no bot.open_id'}`);
    return r.bot.open_id;
  }
  function botOpenId(): Promise<string> {
    botOpenIdPromise ??= fetchBotOpenId().catch((err: unknown) => {
      botOpenIdPromise = undefined; // try again on the next group message
      throw err;
    });
    return botOpenIdPromise;
  }

  // ---- background work: the ack waits only for room in the outbox (backpressure), never for the
  // reply; stop() and tests wait for the work, through the outbox. With no room, the event is
  // refused (EventRefused: a 503, or a failed ack frame) and Feishu pushes it again later ----
  async function admit(what: string, ev: EventReport, work: () => Promise<Outcome>): Promise<void> {
    const started = await outbox.admit(() => work().then((outcome) => ev.done(outcome), (err: unknown) => {
      logger.error({ req: ev.id }, `feishu: ${what} failed:`, describe(err));
      ev.done('failed');
    }));
    if (started) return;
    ev.done('refused', { reason: 'reply backlog full' });
    throw new EventRefused();
  }

  /** True on the first delivery of all `keys` (atomic claims; a re-push may come under a new event_id). */
  // A duplicate let through by a broken store is still caught by the send uuid within an hour.
  const firstDelivery = (keys: (string | undefined)[]): Promise<boolean> =>
    isFirstDelivery(deps.store, keys, (err) => logger.warn('feishu: dedup store failed, answering anyway:', describe(err)));

  // Answers to repeated questions (with the same context) are kept (answer-memo.ts), and so is each
  // one's card: a repeated question costs neither the core nor the renderer again.
  const turns = createAnswerMemo<Turn>();
  const ask = (inbound: Inbound, recalled: ConversationContext | undefined): Turn => {
    const context = contextFor(inbound.text, recalled);
    const turn = turns.get({ ...inbound, context }, () => deps.converse(inbound, context));
    return turn.context || !recalled ? turn : { ...turn, context: recalled };
  };
  // Kept with its conversation (on its buttons) and its picture's key, if any: a known picture's card
  // (one call per answer) is rendered once too, while both stay the same.
  const rendered = new WeakMap<Answer, { conversation?: string; imageKey?: string; card: FeishuCard }>();
  /** The card for `answer`; its buttons carry `conversation`, so a click continues it. */
  const render = (answer: Answer, conversation: string | undefined, imageKey?: string): FeishuCard => {
    let kept = rendered.get(answer);
    if (!kept || kept.imageKey !== imageKey || kept.conversation !== conversation) {
      rendered.set(answer, (kept = { conversation, imageKey, card: renderFeishuCard(answer.card, { lang: answer.lang, imageKey, conversation }) }));
    }
    return kept.card;
  };
  const pictureFor = (messageId: string, conversation: string) => `picture for ${messageId} in ${conversation}`;

  /**
   * Puts the picture, uploaded for `chat` (the outbox's conversation; or under way: `key`), into a
   * card already sent there (cards are sent with update_multi); `conversation` stays on its buttons.
   */
  async function patchPicture(answer: Answer, chat: string, messageId: string, conversation: string | undefined,
    key = pictures.key(answer, chat, pictureFor(messageId, chat))): Promise<void> {
    const imageKey = await key;
    if (!imageKey) return;
    await send(chat, 'im.message.patch', `picture for ${messageId}`, () => client.im.message.patch({
      path: { message_id: messageId }, data: { content: feishuCardJson(render(answer, conversation, imageKey)) },
    }));
  }

  /**
   * Sends the card at once, with its picture if that was uploaded before. Otherwise the event is
   * answered (its line written) once the card is out, and the picture is uploaded after and patched
   * into the sent message, all through the outbox in the same conversation. `call` sends one card.
   */
  async function deliver(answer: Answer, ev: EventReport, chat: string, conversation: Conversation | undefined, method: string, what: string,
    call: (card: FeishuCard) => Promise<ApiResult>): Promise<Outcome> {
    const known = await pictures.knownKey(answer);
    const { outcome, messageId } = await send(chat, method, what, () => call(render(answer, conversation?.key, known)));
    if (outcome !== 'answered' || known || !messageId || !needsUpload(answer.card.image)) return outcome;
    ev.done(outcome);
    await patchPicture(answer, chat, messageId, conversation?.key);
    return outcome;
  }

  /**
   * Queues a send in the outbox (retried with the same uuid, logged once if it finally fails).
   * `method` names the API call in metrics. Answered (with the sent message's id) when it went out, failed when given up.
   */
  async function send(conversation: string, method: string, what: string, call: () => Promise<ApiResult>): Promise<{ outcome: Outcome; messageId?: string }> {
    let messageId: string | undefined;
    const sent = await outbox.send(conversation, what, async () => {
      const r = await call();
      if (r?.code !== 0) throw new ApiRefusal(r?.code, r?.msg);
      messageId = r.data?.message_id;
    }, method);
    return { outcome: sent ? 'answered' : 'failed', messageId };
  }

  // ---- event handlers (registered on node-sdk's EventDispatcher, used by both transports) ----
  async function answerMessage(ev: MessageEvent, rec: EventReport): Promise<Outcome> {
    const msg = ev.message;
    const groupBot = msg?.chat_type === 'p2p' ? undefined : await botOpenId();
    const kind = classifyMessage(ev, groupBot);
    if (kind.kind === 'ignore') {
      rec.note({ reason: kind.reason });
      return 'ignored';
    }
    const messageId = msg!.message_id!;
    if (!(await firstDelivery([ev.event_id && `feishu:event:${ev.event_id}`, `feishu:message:${messageId}`]))) return 'duplicate';
    const userId = ev.sender?.sender_id?.open_id;
    const { conversation, inThread } = conversationOf(ev);
    const [inbound, kept] = await Promise.all([
      // A slash-command invocation (`/iiot …` from the command panel) is an ordinary text message too.
      kind.kind === 'text'
        ? langs.typed({ text: kind.text, platform: 'feishu', userId })
        // Images, stickers, files…: nothing to read, so the help card, in the user's language.
        : langs.langFor(userId).then((lang): Inbound => ({ text: 'help', platform: 'feishu', lang, userId })),
      conversations.recall(conversation),
    ]);
    const reply = answer(inbound, conversation, kept?.context, rec);
    // From a thread or a topic, the answer goes into it; a quoted reply or a top-level mention is answered as before.
    return deliver(reply, rec, msg!.chat_id ?? messageId, conversation, 'im.message.reply', `reply to ${messageId}`, (card) => client.im.message.reply({
      path: { message_id: messageId },
      data: { msg_type: 'interactive', content: feishuCardJson(card), uuid: sendUuid('r', messageId), ...(inThread ? { reply_in_thread: true } : {}) },
    }));
  }

  /**
   * The core's answer in its conversation, whose context is then kept (without waiting for the
   * store); its intent and the user's text noted on the event's report.
   */
  function answer(inbound: Inbound, conversation: Conversation | undefined, context: ConversationContext | undefined, ev: EventReport): Answer {
    ev.note({ text: inbound.text });
    const turn = ask(inbound, context);
    conversations.keep(conversation, turn.context);
    ev.note({ intent: turn.answer.intent });
    return turn.answer;
  }

  async function answerMenu(ev: MenuEvent, rec: EventReport): Promise<Outcome> {
    const openId = ev.operator?.operator_id?.open_id;
    if (!openId) return 'ignored';
    if (!(await firstDelivery([ev.event_id && `feishu:event:${ev.event_id}`]))) return 'duplicate';
    const item = BOT_MENU.find((m) => m.key === ev.event_key);
    if (!item) logger.warn(`feishu: unknown bot menu key "${ev.event_key}", sending help (keys: ${BOT_MENU.map((m) => m.key).join(', ')})`);
    // The menu event carries no chat and no text: the card goes to the clicker by open_id, and
    // continues their one-to-one conversation (the menu is there only).
    const conversation = personal(openId);
    const [lang, kept] = await Promise.all([langs.langFor(openId), conversations.recall(conversation)]);
    const reply = answer({ text: item?.command ?? 'help', platform: 'feishu', lang, userId: openId }, conversation, kept?.context, rec);
    return deliver(reply, rec, openId, conversation, 'im.message.create', `menu answer to ${openId}`, (card) => client.im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: openId, msg_type: 'interactive', content: feishuCardJson(card), uuid: sendUuid('m', ev.event_id ?? `${openId}-${ev.event_key}`) },
    }));
  }

  /** Synchronous by contract: the response (within 3 s) carries the new card. Callbacks are not re-pushed. */
  async function answerCardAction(ev: CardActionEvent): Promise<CardCallbackResponse> {
    const rec = report.begin('feishu', 'action', ev.context?.open_message_id);
    try {
      const cmd = commandFromAction(ev, MAX_COMMAND_CHARS);
      const userId = ev.operator?.open_id;
      // The click continues the conversation of the card it is on, which its button names.
      const conversation = conversationOfAction(ev);
      // A button's command carries its card's language (`--lang`); a value we did not put there does not.
      const [inbound, kept] = await Promise.all([
        cmd ? { text: cmd, platform: 'feishu' as const, userId } : langs.langFor(userId).then((lang): Inbound => ({ text: 'help', platform: 'feishu', lang, userId })),
        conversations.recall(conversation),
      ]);
      const reply = answer(inbound, conversation, kept?.context, rec);
      // The response replaces the card, so a picture waits briefly to ride in it; a slower one is
      // patched in after (by then the response has long been applied), through the outbox.
      const messageId = ev.context?.open_message_id;
      const chat = ev.context?.open_chat_id ?? messageId ?? userId ?? 'card action';
      const key = pictures.key(reply, chat, pictureFor(messageId ?? 'the clicked card', chat));
      const imageKey = await Promise.race([key, sleep(CALLBACK_PICTURE_MS).then(() => undefined)]);
      const response: CardCallbackResponse = { card: { type: 'raw', data: render(reply, conversation?.key, imageKey) } };
      rec.done('answered');
      if (!imageKey && messageId && needsUpload(reply.card.image)) void outbox.track(patchPicture(reply, chat, messageId, conversation?.key, key))
        .catch((err: unknown) => logger.error({ req: rec.id }, 'feishu: picture patch failed:', describe(err)));
      return response;
    } catch (err) {
      logger.error({ req: rec.id }, 'feishu: card action failed:', describe(err));
      rec.done('failed');
      return { toast: { type: 'error', content: '出错了，请稍后再试 / Something went wrong', i18n: { zh_cn: '出错了，请稍后再试', en_us: 'Something went wrong, please try again' } } };
    }
  }

  const dispatcher = new lark.EventDispatcher({ logger: larkLogger, loggerLevel: lark.LoggerLevel.debug, cache }).register<{
    'card.action.trigger': (data: CardActionEvent) => Promise<CardCallbackResponse>;
  }>({
    // Also while stopping: an event already taken in is answered if the shutdown deadline allows.
    'im.message.receive_v1': (data) => {
      const ev = data as MessageEvent;
      const rec = report.begin('feishu', ev.message?.chat_type === 'p2p' ? 'dm' : 'mention', ev.message?.message_id);
      return admit('message', rec, () => answerMessage(ev, rec));
    },
    'application.bot.menu_v6': (data) => {
      const ev = data as MenuEvent;
      const rec = report.begin('feishu', 'menu', ev.event_id);
      return admit('bot menu', rec, () => answerMenu(ev, rec));
    },
    'card.action.trigger': (data) => answerCardAction(data),
  });

  const webhook = config.mode === 'webhook'
    ? createWebhookListener({
        encryptKey: config.encryptKey ?? '',
        verificationToken: config.verificationToken ?? '',
        dispatcher,
        logger,
        report,
        maxSkewMs: options.maxSkewMs,
        now: options.now,
      })
    : undefined;
  const routes: Route[] = webhook
    ? [{
        path: FEISHU_EVENTS_PATH,
        // Stopping: a 503 makes Feishu push the event again later, to this app's other instances.
        listener: (req, res) => (stopped ? void res.writeHead(503, { 'retry-after': '1' }).end() : webhook(req, res)),
      }]
    : [];

  // ---- long connection, supervised: a drop is noticed (ping timeout), logged, reconnected ----
  let wsUp = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const connection = (up: boolean, line?: () => void) => {
    if (up === wsUp) return;
    wsUp = up;
    report.connection('feishu', up);
    line?.();
  };
  const CONSOLE_HINT = '(check FEISHU_APP_ID, FEISHU_APP_SECRET, and "receive events through persistent connection" in the developer console)';

  /**
   * Opens a long connection. WSClient reconnects by itself, but only as often as Feishu's
   * ClientConfig allows; once it gives up (onError) a fresh client takes its place after a pause.
   * At start-up, `onUp`/`onRefused` settle start(); `onRefused` says whether start-up was still waiting.
   */
  function openLongConnection(onUp?: () => void, onRefused?: (err: Error) => boolean): void {
    const client = new lark.WSClient({
      ...common,
      // Set explicitly: it has ended up undefined when omitted, and the client then stays down.
      autoReconnect: true,
      handshakeTimeoutMs: 10_000,
      // Without a watchdog a socket that died during a network sleep is never noticed. Each ping
      // re-arms it, so it must be shorter than Feishu's ping interval (120 s).
      wsConfig: { pingTimeout: options.pingTimeoutSec ?? 30 },
      onReady: () => {
        connection(true, () => onUp ? undefined : logger.info('feishu: long connection re-established'));
        onUp?.();
      },
      onError: (err) => {
        client.close({ force: true });
        if (wsClient !== client || stopped) return;
        if (onRefused?.(new ConfigError(`Feishu long connection failed: ${err.message} ${CONSOLE_HINT}`))) return;
        const delay = options.restartDelayMs ?? 30_000;
        connection(false);
        logger.error(`feishu: long connection gave up (${err.message}); opening a new one in ${Math.round(delay / 1000)} s ${CONSOLE_HINT}`);
        restartTimer = setTimeout(() => { if (!stopped) openLongConnection(); }, delay);
      },
      onReconnecting: () => connection(false, () => logger.warn('feishu: long connection lost, reconnecting')),
      onReconnected: () => connection(true, () => logger.info('feishu: long connection re-established')),
    });
    wsClient = client;
    void client.start({ eventDispatcher: dispatcher });
  }

  async function connectLongConnection(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        fn();
        return true;
      };
      const timer = setTimeout(() => settle(() => {
        logger.warn('feishu: long connection not up yet; still retrying in the background');
        resolve();
      }), options.connectTimeoutMs ?? 15_000);
      openLongConnection(() => void settle(resolve), (err) => settle(() => reject(err)));
    });
  }

  return {
    name: 'feishu',
    routes,
    async start() {
      try {
        await botOpenId();
      } catch (err) {
        const hint = 'check FEISHU_APP_ID, FEISHU_APP_SECRET and FEISHU_DOMAIN, and that the app has the bot capability';
        if (err instanceof ConfigError || !(err as { isAxiosError?: boolean }).isAxiosError) {
          throw new ConfigError(`Feishu rejected the app's credentials or bot info (${describe(err)}): ${hint}`);
        }
        if (isTimeout(err)) {
          throw new Error(`Feishu did not answer ${pathOf(err as AxiosLikeError)} within ${seconds(apiTimeoutMs)} (${config.domain}): check the network and FEISHU_DOMAIN`);
        }
        throw new Error(`Feishu API unreachable at ${config.domain} (${describe(err)}): ${hint}`);
      }
      if (config.mode === 'ws') await connectLongConnection();
      else report.connection('feishu', true);
      started = true;
    },
    async stop(deadline = Date.now() + DEFAULT_SHUTDOWN_TIMEOUT_MS) {
      stopped = true;
      clearTimeout(restartTimer);
      report.connection('feishu', false);
      // force: a polite close waits up to 30 s for Feishu's close frame and keeps the process alive.
      wsClient?.close({ force: true });
      wsClient = undefined;
      await outbox.drain(deadline);
      pictures.abandon();
    },
    idle: () => outbox.idle(),
    deliveries: () => outbox.stats,
    notReady() {
      if (stopped) return 'stopped';
      if (!started) return 'starting';
      if (config.mode === 'ws' && !wsUp) return 'long connection down, reconnecting';
      return undefined;
    },
  };
}
