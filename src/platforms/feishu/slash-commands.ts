/**
 * `iiot feishu sync-commands`: makes the app's Feishu slash commands match the command registry,
 * as manifest.yml does for Slack. Lists them, creates `/iiot` if it is missing, updates its
 * description if it differs, and leaves every command the registry does not name alone.
 *
 * API (PLATFORMS.md B9): `GET/POST /open-apis/application/v7/app_slash_commands`, `PATCH …/:id`,
 * tenant token, scopes `application:app_slash_command:read` / `:write`. node-sdk has no typed
 * method for it, so `client.request`. A changed command reaches clients after about 5 minutes.
 */
import { SLASH_COMMAND } from '../../core/commands.js';
import type { Lang } from '../../core/types.js';
import type { FeishuConfig } from '../../infra/config.js';
import { defaultLangFor } from './inbound.js';
import { lark, type Lark } from './sdk.js';

export const SLASH_COMMANDS_PATH = '/open-apis/application/v7/app_slash_commands';
export const SLASH_COMMAND_SCOPES = ['application:app_slash_command:read', 'application:app_slash_command:write'] as const;

/**
 * Feishu documents no limits for these fields, so the registry is held to the tighter of two
 * documented peers: Telegram's command names (1–32 of a–z, 0–9, _) and Discord's descriptions
 * (at most 100 characters). `test/feishu/slash-commands.test.ts` checks what the registry sends.
 */
export const COMMAND_NAME_PATTERN = /^[a-z0-9_]{1,32}$/;
export const MAX_DESCRIPTION_CHARS = 100;

export interface SlashCommandBody {
  /** Without the slash. */
  command: string;
  description: { default_value: string; i18n: Record<string, string> };
}

interface RemoteCommand {
  command_id?: string;
  command?: string;
  description?: { default_value?: string; i18n?: Record<string, string> };
}

/** Feishu's app slash commands as the registry wants them; `default_value` is the edition's language. */
export function registrySlashCommands(defaultLang: Lang): SlashCommandBody[] {
  const { command, summary } = SLASH_COMMAND;
  return [{
    command: command.replace(/^\//, ''),
    description: { default_value: summary[defaultLang], i18n: { zh_cn: summary.zh, en_us: summary.en } },
  }];
}

/** Feishu's codes for "the app lacks a scope" (tenant and user token); 403 means the same. */
const PERMISSION_CODES = new Set([99991672, 99991679]);

/** A failure the operator must act on: printed as one line, exit 1. */
export class SyncError extends Error {}

export interface SyncOptions {
  /** Per call, token fetch included. */
  timeoutMs?: number;
}

/**
 * Applies the registry; `print` gets one line per thing done or found. Throws SyncError (one line)
 * on a missing scope, a rejected request, bad credentials, or no answer in time.
 */
export async function syncSlashCommands(config: FeishuConfig, print: (line: string) => void, options: SyncOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = new lark.Client({
    appId: config.appId,
    appSecret: config.appSecret,
    domain: config.domain,
    appType: lark.AppType.SelfBuild,
    cache: new lark.DefaultCache(),
    // Quiet: every failure is reported once, as one line, by `call` below.
    logger: silentLogger,
  });

  async function call<T>(what: string, method: 'GET' | 'POST' | 'PATCH', url: string, data?: unknown): Promise<T> {
    const signal = AbortSignal.timeout(timeoutMs);
    const deadline = new Promise<never>((_, reject) => signal.addEventListener('abort', () =>
      reject(new SyncError(`Feishu did not answer within ${timeoutMs / 1000} s (${what}, ${config.domain})`)), { once: true }));
    let r: { code?: number; msg?: string; data?: T };
    try {
      // The race also bounds node-sdk's token fetch, which takes no signal.
      r = await Promise.race([client.request({ method, url, data, signal }), deadline]);
    } catch (err) {
      throw failure(what, err, config.domain);
    }
    if (r?.code !== 0) throw rejected(what, r?.code, r?.msg);
    return r.data as T;
  }

  const listed = await call<{ items?: RemoteCommand[] }>('list the slash commands', 'GET', SLASH_COMMANDS_PATH);
  const existing = listed?.items ?? [];
  const wanted = registrySlashCommands(defaultLangFor(config.domain));
  const bare = (c: RemoteCommand) => (c.command ?? '').replace(/^\//, '');
  const ours = (c: RemoteCommand, w: SlashCommandBody) => bare(c).toLowerCase() === w.command;
  let changes = 0;
  for (const want of wanted) {
    const have = existing.find((c) => ours(c, want));
    if (!have) {
      const made = await call<RemoteCommand>(`create /${want.command}`, 'POST', SLASH_COMMANDS_PATH, want);
      print(`created /${want.command} (command_id ${made?.command_id ?? '?'})`);
      changes++;
    } else if (!sameDescription(have.description, want.description)) {
      if (!have.command_id) throw new SyncError(`Feishu listed /${want.command} without a command_id: cannot update it`);
      // Only the description: a supplied i18n map replaces the whole map, which is what we want.
      await call(`update /${want.command}`, 'PATCH', `${SLASH_COMMANDS_PATH}/${encodeURIComponent(have.command_id)}`, { description: want.description });
      print(`updated /${want.command}: description (command_id ${have.command_id})`);
      changes++;
    } else {
      print(`/${want.command} is up to date`);
    }
  }
  for (const other of existing.filter((c) => !wanted.some((w) => ours(c, w)))) {
    print(`left /${bare(other)} alone: not in the command registry`);
  }
  print(changes > 0 ? 'done: Feishu clients show the change within about 5 minutes' : 'nothing to change');
}

/** Equal when the default and every non-empty translation match (Feishu may list empty ones). */
function sameDescription(have: RemoteCommand['description'], want: SlashCommandBody['description']): boolean {
  const filled = (m: Record<string, string> = {}) => Object.entries(m).filter(([, v]) => v).sort(([a], [b]) => a.localeCompare(b));
  return have?.default_value === want.default_value && JSON.stringify(filled(have?.i18n)) === JSON.stringify(filled(want.i18n));
}

function oneLine(s: unknown): string {
  const text = String(s ?? '').replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function rejected(what: string, code: number | undefined, msg: string | undefined, status?: number): SyncError {
  const detail = `${status ? `HTTP ${status}, ` : ''}code ${code ?? '?'}: ${oneLine(msg)}`;
  if (status === 403 || (code !== undefined && PERMISSION_CODES.has(code))) {
    return new SyncError(`Feishu refused to ${what} (${detail}): grant the app the scopes ${SLASH_COMMAND_SCOPES.join(' and ')} (权限管理) and publish a new version`);
  }
  return new SyncError(`Feishu rejected the request to ${what} (${detail})`);
}

/** A thrown call: Feishu answered with an error status, did not answer, or refused the credentials. */
function failure(what: string, err: unknown, domain: string): Error {
  if (err instanceof SyncError) return err;
  const e = err as { isAxiosError?: boolean; message?: string; response?: { status?: number; data?: { code?: number; msg?: string } } };
  if (e?.response) return rejected(what, e.response.data?.code, e.response.data?.msg ?? '', e.response.status);
  if (e?.isAxiosError) return new SyncError(`Feishu API unreachable at ${domain} (${oneLine(e.message)}): check FEISHU_DOMAIN`);
  // node-sdk throws a plain Error when the tenant token is refused.
  return new SyncError(`Feishu refused the app's credentials (${oneLine(e?.message ?? err)}): check FEISHU_APP_ID and FEISHU_APP_SECRET`);
}

const silentLogger: Lark.Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };
