import { z } from 'zod';

/** An operator mistake: one line, naming the variable, printed without a stack trace. */
export class ConfigError extends Error {}

export interface SlackConfig {
  mode: 'socket' | 'http';
  botToken: string;
  appToken?: string;
  signingSecret?: string;
  /** Web API base URL, always with a trailing slash (the client appends the method name). */
  apiUrl?: string;
}

export interface FeishuConfig {
  mode: 'ws' | 'webhook';
  appId: string;
  appSecret: string;
  encryptKey?: string;
  verificationToken?: string;
  /** `https://open.feishu.cn`, `https://open.larksuite.com`, or a base URL of one's own. */
  domain: string;
}

export interface RedisConfig {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  url: string;
  /** Prepended to every key, so several bots can share one Redis (replicas of one bot share theirs). */
  keyPrefix: string;
}

export interface Config {
  port: number;
  slack?: SlackConfig;
  feishu?: FeishuConfig;
  /** Shared state across replicas; absent means the in-memory store. */
  redis?: RedisConfig;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Cards carry pictures (the tier map, charts) unless false: then text cards only, nothing uploaded. */
  pictures?: boolean;
  /**
   * The bot's own address as the internet reaches it, without a trailing slash: it then serves
   * `/pictures/<hash>.png`, and Slack's private answers show their picture from there.
   */
  publicBaseUrl?: string;
  /** Longest wait for any one call to Slack's or Feishu's API (start-up calls and replies alike). */
  apiTimeoutMs?: number;
  /** SIGTERM/SIGINT: how long replies under way may take to finish before the process exits. */
  shutdownTimeoutMs?: number;
  /** How long a top-level DM (Slack) or one-to-one chat (Feishu) continues the last question's context. */
  conversationWindowMs?: number;
}

export const DEFAULT_API_TIMEOUT_MS = 10_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
export const DEFAULT_CONVERSATION_WINDOW_MINUTES = 30;

type Env = Record<string, string | undefined>;

const FEISHU_DOMAINS: Record<string, string> = {
  feishu: 'https://open.feishu.cn',
  lark: 'https://open.larksuite.com',
};

function check<T>(name: string, schema: z.ZodType<T>, value: string | undefined, hint: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`${name} ${value === undefined ? 'is missing' : 'is not valid'}: ${hint}`);
  return parsed.data;
}

const url = z.string().url().refine((u) => /^(https?|wss?):\/\//.test(u));
/** A web address with a host and nothing after its path (a query or fragment would break what is appended). */
const httpUrl = z.string().max(1000).url().refine((u) => /^https?:\/\/[^/?#]+[^?#]*$/.test(u));

function slackConfig(env: Env): SlackConfig | undefined {
  const any = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_MODE'].some((k) => env[k]);
  if (!any) return undefined;
  const mode = check('SLACK_MODE', z.enum(['socket', 'http']), env.SLACK_MODE || 'socket', 'use "socket" (default) or "http"');
  const botToken = check('SLACK_BOT_TOKEN', z.string().regex(/^xoxb-\S+$/), env.SLACK_BOT_TOKEN, 'the Bot User OAuth Token, starting with xoxb-');
  const apiUrl = env.SLACK_API_URL
    ? check('SLACK_API_URL', url, env.SLACK_API_URL, 'a base URL such as https://slack.com/api/').replace(/\/?$/, '/')
    : undefined;
  if (mode === 'socket') {
    const appToken = check('SLACK_APP_TOKEN', z.string().regex(/^xapp-\S+$/), env.SLACK_APP_TOKEN,
      'Socket Mode needs an app-level token with connections:write, starting with xapp- (or set SLACK_MODE=http)');
    return { mode, botToken, appToken, apiUrl };
  }
  const signingSecret = check('SLACK_SIGNING_SECRET', z.string().regex(/^\S{8,}$/), env.SLACK_SIGNING_SECRET,
    'HTTP mode needs the Signing Secret from the app\'s Basic Information page');
  return { mode, botToken, signingSecret, apiUrl };
}

function feishuConfig(env: Env): FeishuConfig | undefined {
  const any = ['FEISHU_APP_ID', 'FEISHU_APP_SECRET', 'FEISHU_MODE', 'FEISHU_ENCRYPT_KEY', 'FEISHU_VERIFICATION_TOKEN'].some((k) => env[k]);
  if (!any) return undefined;
  const mode = check('FEISHU_MODE', z.enum(['ws', 'webhook']), env.FEISHU_MODE || 'ws', 'use "ws" (long connection, default) or "webhook"');
  // The SDK's WSClient silently refuses to start unless the id has this exact form.
  const appId = check('FEISHU_APP_ID', z.string().regex(/^cli_[0-9a-fA-F]{16}$/), env.FEISHU_APP_ID, 'the App ID, like cli_a1b2c3d4e5f60718');
  const appSecret = check('FEISHU_APP_SECRET', z.string().regex(/^\S{8,}$/), env.FEISHU_APP_SECRET, 'the App Secret from the app\'s credentials page');
  const rawDomain = env.FEISHU_DOMAIN || 'feishu';
  const domain = FEISHU_DOMAINS[rawDomain.toLowerCase()] ??
    check('FEISHU_DOMAIN', url, rawDomain, 'use "feishu" (default), "lark", or a base URL').replace(/\/+$/, '');
  if (mode === 'ws') return { mode, appId, appSecret, domain };
  const encryptKey = check('FEISHU_ENCRYPT_KEY', z.string().regex(/^\S+$/), env.FEISHU_ENCRYPT_KEY,
    'webhook mode needs the Encrypt Key from Events & Callbacks > Encryption Strategy');
  const verificationToken = check('FEISHU_VERIFICATION_TOKEN', z.string().regex(/^\S+$/), env.FEISHU_VERIFICATION_TOKEN,
    'webhook mode needs the Verification Token from Events & Callbacks > Encryption Strategy');
  return { mode, appId, appSecret, encryptKey, verificationToken, domain };
}

function redisConfig(env: Env): RedisConfig | undefined {
  if (!env.REDIS_URL) return undefined;
  // The message never repeats the value: it may carry a password.
  const url = check('REDIS_URL', z.string().url().refine((u) => /^rediss?:\/\/[^/]/.test(u)), env.REDIS_URL,
    'a URL such as redis://127.0.0.1:6379/0, or rediss:// for TLS');
  const keyPrefix = check('REDIS_PREFIX', z.string().regex(/^[\w.:-]{1,64}$/), env.REDIS_PREFIX || 'iiot:',
    'up to 64 letters, digits or . _ : - (one prefix per bot; its replicas share it)');
  return { url, keyPrefix };
}

/** Reads the environment into a typed config; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const port = check('PORT', z.coerce.number().int().min(0).max(65535), env.PORT || '3000', 'a TCP port number such as 3000');
  const logLevel = check('LOG_LEVEL', z.enum(['debug', 'info', 'warn', 'error']), env.LOG_LEVEL || 'info', 'one of debug, info, warn, error');
  const ms = z.coerce.number().int().min(100).max(600_000);
  const apiTimeoutMs = check('API_TIMEOUT_MS', ms, env.API_TIMEOUT_MS || String(DEFAULT_API_TIMEOUT_MS), 'milliseconds from 100 to 600000, such as 10000');
  const shutdownTimeoutMs = check('SHUTDOWN_TIMEOUT_MS', ms, env.SHUTDOWN_TIMEOUT_MS || String(DEFAULT_SHUTDOWN_TIMEOUT_MS), 'milliseconds from 100 to 600000, such as 10000');
  const windowMinutes = check('CONVERSATION_WINDOW_MINUTES', z.coerce.number().int().min(1).max(1440),
    env.CONVERSATION_WINDOW_MINUTES || String(DEFAULT_CONVERSATION_WINDOW_MINUTES), 'whole minutes from 1 to 1440, such as 30');
  const publicBaseUrl = env.PUBLIC_BASE_URL
    ? check('PUBLIC_BASE_URL', httpUrl, env.PUBLIC_BASE_URL, 'the bot\'s address as Slack reaches it, such as https://bot.example.com').replace(/\/+$/, '')
    : undefined;
  return { port, logLevel, apiTimeoutMs, shutdownTimeoutMs, conversationWindowMs: windowMinutes * 60_000, pictures: picturesEnabled(env), publicBaseUrl, slack: slackConfig(env), feishu: feishuConfig(env), redis: redisConfig(env) };
}

/** PICTURES=off: text cards only (no drawing, no uploads, no files:write needed). */
export function picturesEnabled(env: Env = process.env): boolean {
  return check('PICTURES', z.enum(['on', 'off']), env.PICTURES || 'on', 'use "on" (default) or "off"') === 'on';
}

/** Every configured secret, so the logger can mask it wherever it appears. */
export function secretsOf(config: Config): string[] {
  const { slack, feishu, redis } = config;
  return [slack?.botToken, slack?.appToken, slack?.signingSecret, feishu?.appSecret, feishu?.encryptKey, feishu?.verificationToken,
    ...(redis ? [redis.url, ...redisPasswords(redis.url)] : [])]
    .filter((s): s is string => !!s);
}

/** REDIS_URL's password as written in the URL and decoded: a client error may quote either. */
function redisPasswords(url: string): string[] {
  const password = new URL(url).password;
  if (!password) return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password];
  }
}
