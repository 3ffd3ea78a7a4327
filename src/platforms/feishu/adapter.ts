/**
 * Feishu/Lark transport: group @mentions, direct messages, card buttons and the bot menu, over the
 * long connection (WSClient) or the webhook (`/feishu/events`). Events become an `Inbound`, go
 * through `deps.handle`, and the answer's card is rendered and sent. Nothing here builds content.
 *
 * Feishu waits for our handler before it counts a delivery as done (HTTP 200 or the WS ack frame),
 * and re-pushes after 3 s. So message and menu handlers return at once and reply afterwards;
 * re-pushes and duplicate deliveries are dropped by `event_id` and `message_id` in the shared Store,
 * and every send carries a `uuid` so a retried send is never shown twice.
 */
import { createHash } from 'node:crypto';
import { lark, type Lark } from './sdk.js';
import { BOT_MENU } from '../../core/commands.js';
import type { Answer, Inbound } from '../../core/types.js';
import { ConfigError, type FeishuConfig } from '../../infra/config.js';
import { isFirstDelivery } from '../../infra/dedup.js';
import type { Route } from '../../infra/http-server.js';
import type { Logger } from '../../infra/log.js';
import { MAX_COMMAND_CHARS, needsUpload, renderFeishuCard, type FeishuCard } from '../../render/feishu.js';
import type { AdapterDeps, PlatformAdapter } from '../adapter.js';
import { createFeishuPictures } from './images.js';
import { classifyMessage, commandFromAction, defaultLangFor, type CardActionEvent, type MenuEvent, type MessageEvent } from './inbound.js';
import { createWebhookListener } from './webhook.js';

export const FEISHU_EVENTS_PATH = '/feishu/events';

export interface FeishuAdapter extends PlatformAdapter {
  /** Resolves once every reply already under way has been sent or has failed (tests, shutdown). */
  idle(): Promise<void>;
}

export interface FeishuAdapterOptions {
  /** Webhook timestamp tolerance; see webhook.ts. */
  maxSkewMs?: number;
  now?: () => number;
  /** How long start() waits for the long connection before resolving anyway (it keeps retrying). */
  connectTimeoutMs?: number;
  /** Pause between send attempts; tests shorten it. */
  retryDelayMs?: number;
}

/** The callback response that replaces the clicked card. */
export interface CardCallbackResponse {
  card?: { type: 'raw'; data: FeishuCard };
  toast?: { type: 'error'; content: string; i18n?: Record<string, string> };
}

interface ApiResult { code?: number; msg?: string; data?: { message_id?: string } }

const SEND_ATTEMPTS = 3;
const RATE_LIMITED = 99991400;
/** How long a card callback (3 s in all) waits for a picture before answering without and patching it in. */
const CALLBACK_PICTURE_MS = 1500;

/**
 * node-sdk's logger, on ours. Its LoggerProxy passes arguments as one array; its error objects
 * carry the request body (whole cards), so objects are cut down to one short line. Its errors go to
 * warn: every failure that matters is logged once more, at error level, by this adapter with context.
 * Its info (banners, "ready") goes to debug.
 */
function sdkLogger(logger: Logger): Lark.Logger {
  const brief = (m: unknown): unknown => {
    if (m instanceof Error) return m.message;
    if (m && typeof m === 'object') {
      const e = m as { message?: string; response?: { status?: number; data?: unknown } };
      const text = e.message !== undefined && e.response ? `${e.message} ${JSON.stringify(e.response.data ?? '')}` : JSON.stringify(m);
      return text.length > 300 ? `${text.slice(0, 300)}…` : text;
    }
    return m;
  };
  const flat = (msg: unknown[]) => (msg.length === 1 && Array.isArray(msg[0]) ? msg[0] : msg).map(brief);
  return {
    error: (...m: unknown[]) => logger.warn('[lark]', ...flat(m)),
    warn: (...m: unknown[]) => logger.warn('[lark]', ...flat(m)),
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

/** One log line for an SDK/axios failure: the API's code and message, not a dump of the request. */
function describe(err: unknown): string {
  const e = err as { message?: string; response?: { status?: number; data?: unknown } };
  if (e?.response) return `HTTP ${e.response.status} ${JSON.stringify(e.response.data ?? '').slice(0, 300)}`;
  return e?.message ?? String(err);
}

class SendRejected extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createFeishuAdapter(config: FeishuConfig, deps: AdapterDeps, options: FeishuAdapterOptions = {}): FeishuAdapter {
  const { logger } = deps;
  const larkLogger = sdkLogger(logger);
  // A cache of our own: node-sdk's default token cache is module-level and keyed by appId only.
  const cache = new lark.DefaultCache();
  const common = { appId: config.appId, appSecret: config.appSecret, domain: config.domain, logger: larkLogger, loggerLevel: lark.LoggerLevel.debug };
  const client = new lark.Client({ ...common, appType: lark.AppType.SelfBuild, cache });
  const defaultLang = defaultLangFor(config.domain);
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const pending = new Set<Promise<void>>();
  let stopped = false;
  let wsClient: Lark.WSClient | undefined;

  const pictures = createFeishuPictures(async (bytes) => {
    const r = await client.im.image.create({ data: { image_type: 'message', image: bytes } });
    return r?.image_key;
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

  // ---- background work: acks never wait for it, stop() and tests do ----
  function track(what: string, work: () => Promise<void>): void {
    const p = work()
      .catch((err: unknown) => logger.error(`feishu: ${what} failed:`, describe(err)))
      .finally(() => pending.delete(p));
    pending.add(p);
  }

  async function idle(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  /** True on the first delivery of all `keys` (atomic claims; a re-push may come under a new event_id). */
  // A duplicate let through by a broken store is still caught by the send uuid within an hour.
  const firstDelivery = (keys: (string | undefined)[]): Promise<boolean> =>
    isFirstDelivery(deps.store, keys, (err) => logger.warn('feishu: dedup store failed, answering anyway:', describe(err)));

  const render = (answer: Answer, imageKey?: string): FeishuCard => renderFeishuCard(answer.card, { lang: answer.lang, imageKey });

  /** Puts the uploaded picture into a card already sent (cards are sent with update_multi). */
  async function patchPicture(answer: Answer, messageId: string, key: Promise<string | undefined>): Promise<void> {
    const imageKey = await key;
    if (!imageKey) return;
    await send(`picture for ${messageId}`, () => client.im.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(render(answer, imageKey)) } }));
  }

  /**
   * Sends the card at once, with its picture if that was uploaded before; otherwise the picture is
   * uploaded after and patched into the sent message. `deliver` returns the sent message's id.
   */
  async function deliver(answer: Answer, sendCard: (card: FeishuCard) => Promise<string | undefined>): Promise<void> {
    const known = await pictures.knownKey(answer);
    const messageId = await sendCard(render(answer, known));
    if (!known && messageId) await patchPicture(answer, messageId, pictures.key(answer));
  }

  /** Retries network errors, 5xx and rate limits with the same uuid; other API errors are final. */
  async function send(what: string, call: () => Promise<ApiResult>): Promise<string | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await call();
        if (r?.code === 0) return r.data?.message_id;
        if (r?.code !== RATE_LIMITED) throw new SendRejected(`code ${r?.code}: ${r?.msg}`);
        throw Object.assign(new Error(`rate limited: ${r?.msg}`), { retry: true });
      } catch (err) {
        const status = (err as { response?: { status?: number } }).response?.status;
        const retryable = !(err instanceof SendRejected) && (status === undefined || status >= 500 || status === 429);
        if (!retryable || attempt >= SEND_ATTEMPTS) throw new Error(`${what}: ${describe(err)}`);
        logger.warn(`feishu: ${what} attempt ${attempt} failed (${describe(err)}), retrying`);
        await sleep(retryDelayMs * attempt);
      }
    }
  }

  // ---- event handlers (registered on node-sdk's EventDispatcher, used by both transports) ----
  async function answerMessage(ev: MessageEvent): Promise<void> {
    const msg = ev.message;
    const groupBot = msg?.chat_type === 'p2p' ? undefined : await botOpenId();
    const kind = classifyMessage(ev, groupBot);
    if (kind.kind === 'ignore') {
      logger.debug(`feishu: message ${msg?.message_id ?? '?'} ignored: ${kind.reason}`);
      return;
    }
    const messageId = msg!.message_id!;
    if (!(await firstDelivery([ev.event_id && `feishu:event:${ev.event_id}`, `feishu:message:${messageId}`]))) {
      logger.debug(`feishu: duplicate delivery of ${messageId} dropped`);
      return;
    }
    const userId = ev.sender?.sender_id?.open_id;
    const inbound: Inbound = kind.kind === 'text'
      ? { text: kind.text, platform: 'feishu', userId }
      // Images, stickers, files…: nothing to read, so the help card, in the edition's language.
      : { text: 'help', platform: 'feishu', lang: defaultLang, userId };
    await deliver(deps.handle(inbound), (card) => send(`reply to ${messageId}`, () => client.im.message.reply({
      path: { message_id: messageId },
      data: { msg_type: 'interactive', content: JSON.stringify(card), uuid: sendUuid('r', messageId) },
    })));
  }

  async function answerMenu(ev: MenuEvent): Promise<void> {
    const openId = ev.operator?.operator_id?.open_id;
    if (!openId) return;
    if (!(await firstDelivery([ev.event_id && `feishu:event:${ev.event_id}`]))) return;
    const item = BOT_MENU.find((m) => m.key === ev.event_key);
    if (!item) logger.warn(`feishu: unknown bot menu key "${ev.event_key}", sending help (keys: ${BOT_MENU.map((m) => m.key).join(', ')})`);
    // The menu event carries no chat and no text: the card goes to the clicker by open_id.
    const answer = deps.handle({ text: item?.command ?? 'help', platform: 'feishu', lang: defaultLang, userId: openId });
    await deliver(answer, (card) => send(`menu answer to ${openId}`, () => client.im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: openId, msg_type: 'interactive', content: JSON.stringify(card), uuid: sendUuid('m', ev.event_id ?? `${openId}-${ev.event_key}`) },
    })));
  }

  /** Synchronous by contract: the response (within 3 s) carries the new card. Callbacks are not re-pushed. */
  async function answerCardAction(ev: CardActionEvent): Promise<CardCallbackResponse> {
    try {
      const cmd = commandFromAction(ev, MAX_COMMAND_CHARS);
      const inbound: Inbound = cmd
        ? { text: cmd, platform: 'feishu', userId: ev.operator?.open_id }
        : { text: 'help', platform: 'feishu', lang: defaultLang, userId: ev.operator?.open_id };
      const answer = deps.handle(inbound);
      // The response replaces the card, so a picture waits briefly to ride in it; a slower one is
      // patched in after (by then the response has long been applied).
      const key = pictures.key(answer);
      const imageKey = await Promise.race([key, sleep(CALLBACK_PICTURE_MS).then(() => undefined)]);
      const messageId = ev.context?.open_message_id;
      if (!imageKey && messageId && needsUpload(answer.card.image)) track('picture patch', () => patchPicture(answer, messageId, key));
      return { card: { type: 'raw', data: render(answer, imageKey) } };
    } catch (err) {
      logger.error('feishu: card action failed:', describe(err));
      return { toast: { type: 'error', content: '出错了，请稍后再试 / Something went wrong', i18n: { zh_cn: '出错了，请稍后再试', en_us: 'Something went wrong, please try again' } } };
    }
  }

  const dispatcher = new lark.EventDispatcher({ logger: larkLogger, loggerLevel: lark.LoggerLevel.debug, cache }).register<{
    'card.action.trigger': (data: CardActionEvent) => Promise<CardCallbackResponse>;
  }>({
    'im.message.receive_v1': (data) => {
      if (!stopped) track('message', () => answerMessage(data as MessageEvent));
    },
    'application.bot.menu_v6': (data) => {
      if (!stopped) track('bot menu', () => answerMenu(data as MenuEvent));
    },
    'card.action.trigger': (data) => answerCardAction(data),
  });

  const routes: Route[] = config.mode === 'webhook'
    ? [{
        path: FEISHU_EVENTS_PATH,
        listener: createWebhookListener({
          encryptKey: config.encryptKey ?? '',
          verificationToken: config.verificationToken ?? '',
          dispatcher,
          logger,
          maxSkewMs: options.maxSkewMs,
          now: options.now,
        }),
      }]
    : [];

  async function connectLongConnection(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => { if (!settled) { settled = true; clearTimeout(timer); fn(); } };
      const timer = setTimeout(() => settle(() => {
        logger.warn('feishu: long connection not up yet; still retrying in the background');
        resolve();
      }), options.connectTimeoutMs ?? 15_000);
      wsClient = new lark.WSClient({
        ...common,
        // Set explicitly: it has ended up undefined when omitted, and the client then stays down.
        autoReconnect: true,
        handshakeTimeoutMs: 10_000,
        // Without a watchdog a socket that died during a network sleep is never noticed.
        wsConfig: { pingTimeout: 30 },
        onReady: () => settle(resolve),
        onError: (err) => {
          const msg = `Feishu long connection failed: ${err.message} (check FEISHU_APP_ID, FEISHU_APP_SECRET, and "receive events through persistent connection" in the developer console)`;
          if (settled) logger.error(msg);
          settle(() => {
            wsClient?.close({ force: true });
            reject(new ConfigError(msg));
          });
        },
        onReconnecting: () => logger.warn('feishu: long connection lost, reconnecting'),
        onReconnected: () => logger.info('feishu: long connection re-established'),
      });
      void wsClient.start({ eventDispatcher: dispatcher });
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
        throw new Error(`Feishu API unreachable at ${config.domain} (${describe(err)}): ${hint}`);
      }
      if (config.mode === 'ws') await connectLongConnection();
    },
    async stop() {
      stopped = true;
      // force: a polite close waits up to 30 s for Feishu's close frame and keeps the process alive.
      wsClient?.close({ force: true });
      wsClient = undefined;
      await Promise.race([idle(), sleep(5000)]);
    },
    idle,
  };
}
