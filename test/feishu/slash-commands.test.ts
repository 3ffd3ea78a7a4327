/**
 * `iiot feishu sync-commands` against the fake Feishu Open API: what it sends, that it is
 * idempotent, that it leaves other commands alone, and the one line an operator gets when Feishu
 * refuses. The CLI also runs as a real process, configured only by environment variables.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SLASH_COMMAND } from '../../src/core/commands.js';
import type { FeishuConfig } from '../../src/infra/config.js';
import {
  COMMAND_NAME_PATTERN, MAX_DESCRIPTION_CHARS, registrySlashCommands, SLASH_COMMANDS_PATH, syncSlashCommands, SyncError,
} from '../../src/platforms/feishu/slash-commands.js';
import { FakeFeishu } from '../fakes/feishu-api.js';
import { BUILT_CLI } from '../support/cli.js';

const APP_ID = 'cli_a1b2c3d4e5f60013';
const APP_SECRET = 'sync-test-secret';
const REGISTRY_BODY = {
  command: 'iiot',
  description: { default_value: SLASH_COMMAND.summary.zh, i18n: { zh_cn: SLASH_COMMAND.summary.zh, en_us: SLASH_COMMAND.summary.en } },
};

let fake: FakeFeishu;
let config: FeishuConfig;

beforeAll(async () => {
  fake = await FakeFeishu.start();
  fake.appSecret = APP_SECRET;
  config = { mode: 'ws', appId: APP_ID, appSecret: APP_SECRET, domain: fake.origin };
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => fake.reset());

async function sync(cfg: FeishuConfig = config, timeoutMs?: number): Promise<string[]> {
  const lines: string[] = [];
  await syncSlashCommands(cfg, (line) => lines.push(line), { timeoutMs });
  return lines;
}

const writes = () => fake.callsTo(/app_slash_commands/).filter((c) => c.method !== 'GET');

describe('what the registry sends', () => {
  it('is /iiot with the registry\'s summary in Chinese and English, the edition\'s language as default', () => {
    expect(registrySlashCommands('zh')).toEqual([REGISTRY_BODY]);
    expect(registrySlashCommands('en')[0]!.description.default_value).toBe(SLASH_COMMAND.summary.en);
  });

  it('stays within a conservative limit on name and description length', () => {
    for (const lang of ['zh', 'en'] as const) {
      for (const { command, description } of registrySlashCommands(lang)) {
        expect(command).toMatch(COMMAND_NAME_PATTERN);
        for (const text of [description.default_value, ...Object.values(description.i18n)]) {
          expect(text.trim().length).toBeGreaterThan(0);
          expect([...text].length).toBeLessThanOrEqual(MAX_DESCRIPTION_CHARS);
        }
      }
    }
    expect(SLASH_COMMAND.summary.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(SLASH_COMMAND.summary.en).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('sync', () => {
  it('creates /iiot when it is missing, with the tenant token and the registry\'s texts', async () => {
    const lines = await sync();
    const [post] = writes();
    expect(post).toMatchObject({ method: 'POST', path: SLASH_COMMANDS_PATH, token: `t-${APP_ID}`, body: REGISTRY_BODY, status: 200 });
    expect(fake.slashCommands).toEqual([expect.objectContaining(REGISTRY_BODY)]);
    expect(lines).toEqual([`created /iiot (command_id ${fake.slashCommands[0]!.command_id})`, expect.stringMatching(/about 5 minutes/)]);
  });

  it('changes nothing on a second run, and says so', async () => {
    await sync();
    fake.calls.length = 0;
    const lines = await sync();
    expect(writes()).toEqual([]);
    expect(lines).toEqual(['/iiot is up to date', 'nothing to change']);
  });

  it('patches only the description when it differs, and keeps the command_id', async () => {
    const old = fake.addSlashCommand('iiot', { default_value: '旧的说明', i18n: { zh_cn: '旧的说明', en_us: 'old text', ja_jp: '古い' } });
    const lines = await sync();
    expect(writes().map((c) => ({ method: c.method, path: c.path, body: c.body }))).toEqual([
      { method: 'PATCH', path: `${SLASH_COMMANDS_PATH}/${old.command_id}`, body: { description: REGISTRY_BODY.description } },
    ]);
    expect(fake.slashCommands).toEqual([expect.objectContaining({ ...REGISTRY_BODY, command_id: old.command_id })]);
    expect(lines[0]).toBe(`updated /iiot: description (command_id ${old.command_id})`);
    expect(await sync()).toEqual(['/iiot is up to date', 'nothing to change']);
  });

  it('leaves commands the registry does not name alone', async () => {
    const weather = fake.addSlashCommand('weather', { default_value: 'Weather', i18n: { zh_cn: '天气' } });
    const before = structuredClone(weather);
    const lines = await sync();
    expect(writes().filter((c) => c.path.includes(weather.command_id))).toEqual([]);
    expect(fake.slashCommands.find((c) => c.command === 'weather')).toEqual(before);
    expect(lines).toContain('left /weather alone: not in the command registry');
    expect(fake.slashCommands.map((c) => c.command).sort()).toEqual(['iiot', 'weather']);
  });
});

describe('when Feishu refuses', () => {
  const attempt = async (cfg?: FeishuConfig, timeoutMs?: number) => {
    const err = await sync(cfg, timeoutMs).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SyncError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  };

  it('names the missing scope (code 99991672) and creates nothing', async () => {
    fake.slashCommandScopes.delete('write');
    expect(await attempt()).toMatch(/^Feishu refused to create \/iiot \(HTTP 400, code 99991672: .+\): grant the app the scopes application:app_slash_command:read and application:app_slash_command:write .+ publish a new version$/);
    expect(fake.slashCommands).toEqual([]);
    fake.slashCommandScopes.delete('read');
    expect(await attempt()).toMatch(/^Feishu refused to list the slash commands .*application:app_slash_command:read/);
  });

  it('reads a 403 as a missing scope', async () => {
    fake.fail(/app_slash_commands/, 403, { code: 99991400, msg: 'forbidden' });
    expect(await attempt()).toMatch(/^Feishu refused to list the slash commands \(HTTP 403, code 99991400: forbidden\): grant the app the scopes/);
  });

  it('reports a rejected request with Feishu\'s code (a duplicate: 40000000)', async () => {
    fake.fail(/app_slash_commands$/, 200, { code: 0, msg: 'success', data: { items: [] } });
    fake.fail(/app_slash_commands$/, 400, { code: 40000000, msg: 'command already exists' });
    expect(await attempt()).toBe('Feishu rejected the request to create /iiot (HTTP 400, code 40000000: command already exists)');
  });

  it('names the credentials when the tenant token is refused', async () => {
    expect(await attempt({ ...config, appId: 'cli_a1b2c3d4e5f60a13', appSecret: 'wrong-secret' }))
      .toMatch(/^Feishu refused the app's credentials \(.*10014.*\): check FEISHU_APP_ID and FEISHU_APP_SECRET$/);
  });

  it('gives up after its timeout when Feishu does not answer', async () => {
    const silent: Server = createServer(() => {}).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const port = (silent.address() as { port: number }).port;
      expect(await attempt({ ...config, appId: 'cli_a1b2c3d4e5f60b13', domain: `http://127.0.0.1:${port}` }, 300))
        .toMatch(/^Feishu did not answer within 0.3 s \(list the slash commands/);
    } finally {
      silent.close();
    }
  });
});

describe('iiot feishu sync-commands, as a process', () => {
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|FEISHU)_/.test(k)));

  /** Asynchronous: the fake Feishu answers from this process while the CLI runs. */
  async function iiot(args: string[], env: Record<string, string>) {
    const child = spawn(process.execPath, [...BUILT_CLI, ...args], { env: { ...cleanEnv, ...env }, cwd: mkdtempSync(join(tmpdir(), 'iiot-sync-')) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    const timer = setTimeout(() => child.kill(), 30_000);
    const [code] = await once(child, 'close');
    clearTimeout(timer);
    return { code: code as number | null, stdout, stderr };
  }
  const env = () => ({ FEISHU_APP_ID: 'cli_a1b2c3d4e5f60c13', FEISHU_APP_SECRET: APP_SECRET, FEISHU_DOMAIN: fake.origin });

  it('creates /iiot, then finds nothing to change', async () => {
    const first = await iiot(['feishu', 'sync-commands'], env());
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^created \/iiot \(command_id \d+\)\ndone: .*5 minutes\n$/);
    expect(fake.slashCommands).toEqual([expect.objectContaining(REGISTRY_BODY)]);
    const second = await iiot(['feishu', 'sync-commands'], env());
    expect(second).toEqual({ code: 0, stdout: '/iiot is up to date\nnothing to change\n', stderr: '' });
  }, 60_000);

  it('exits 1 with one line when a scope is missing', async () => {
    fake.slashCommandScopes.clear();
    const r = await iiot(['feishu', 'sync-commands'], env());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^iiot: Feishu refused to list the slash commands \(.*99991672.*application:app_slash_command:read.*\n$/);
  }, 30_000);

  it('exits 1 naming the variable when the Feishu credentials are missing, 2 on a usage error', async () => {
    const missing = await iiot(['feishu', 'sync-commands'], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^iiot: FEISHU_APP_ID is missing: .*\n$/);
    const usage = await iiot(['feishu', 'sync'], env());
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^iiot: feishu takes one subcommand: sync-commands\nUsage:/);
  }, 30_000);
});
