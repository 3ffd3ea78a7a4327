import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { decodePng } from './support/png.js';
import { SOURCE_CLI } from './support/cli.js';

// Tests here spawn Node processes, several per test; on a loaded machine each can take seconds.
vi.setConfig({ testTimeout: 60_000 });

// A clean environment and an empty working directory: no credentials, no .env of the developer's.
// Text cards unless a test asks for pictures (they take a moment to draw).
const cleanEnv = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|FEISHU)_|^PICTURES$/.test(k))), PICTURES: 'off' };
const withPictures = { PICTURES: 'on' };

function iiot(args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string; binary?: boolean } = {}) {
  const r = spawnSync(process.execPath, [...SOURCE_CLI, ...args], {
    input: options.input ?? '',
    env: { ...cleanEnv, ...options.env },
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'iiot-cli-')),
    encoding: options.binary ? 'buffer' : 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout as string, stderr: String(r.stderr), bytes: r.stdout as unknown as Buffer };
}

describe('iiot ask', () => {
  it('prints the answer contract as JSON', () => {
    const r = iiot(['ask', '--format', 'json', '湖北']);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(Object.keys(answer)).toEqual(['intent', 'lang', 'regionIds', 'tierIds', 'strategyIds', 'metricIds', 'groupIds', 'statedBy', 'card']);
    expect(answer).toMatchObject({ intent: 'region', lang: 'zh', regionIds: ['hubei'], tierIds: ['leading'], strategyIds: ['lead-then-scale'] });
  });

  it('prints a grouping with its members, and who states what', () => {
    const answer = JSON.parse(iiot(['ask', '--format', 'json', '长三角']).stdout);
    expect(answer).toMatchObject({ intent: 'group', groupIds: ['yangtze-river-delta'], regionIds: ['shanghai', 'jiangsu', 'zhejiang', 'anhui'], statedBy: ['hu-jianbo'] });
  });

  it('prints a text card, in the language asked for', () => {
    const r = iiot(['ask', '--lang', 'en', '湖北']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Hubei 湖北 · Tier: Leading the Way');
  });

  it('exits 0 for a question it cannot answer: that is an answer too', () => {
    const r = iiot(['ask', 'qwxz']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Sorry, I didn't get that");
  });

  it('writes the answer\'s picture as PNG to stdout with --format png', () => {
    const r = iiot(['ask', '--format', 'png', '--lang', 'en', 'map'], { binary: true, env: withPictures });
    expect(r.code).toBe(0);
    const png = decodePng(r.bytes);
    expect([png.width, png.height]).toEqual([1800, 1520]);
    expect(r.stderr).toBe('');
  }, 60_000);

  it('exits 3 with one line when the answer has no picture', () => {
    const r = iiot(['ask', '--format', 'png', 'headline figures'], { binary: true, env: withPictures });
    expect(r.code).toBe(3);
    expect(r.bytes.length).toBe(0);
    expect(r.stderr).toMatch(/^iiot: this answer has no picture \(metrics: Headline figures\)\n$/);
  }, 60_000);

  it('rejects usage errors with a message and a non-zero exit', () => {
    for (const args of [['ask'], ['ask', '--lang', 'fr', 'x'], ['ask', '--format', 'xml', 'x'], ['frobnicate']]) {
      const r = iiot(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^iiot: .+\nUsage:/);
    }
  }, 30_000); // four processes, each a second or more on a busy machine
});

describe('npm start without credentials: console chat', () => {
  it('answers each piped line, says how to connect, and exits at end of input', () => {
    const r = iiot(['start'], { input: '湖北\nwhich tier is shaanxi\n' });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/SLACK_BOT_TOKEN.*FEISHU_APP_ID/);
    expect(r.stdout).toContain('湖北 · 示范引领梯队');
    expect(r.stdout).toContain('Shaanxi 陕西 · Tier: Rapid Rise');
  });

  it('writes each card\'s picture to a PNG file and prints its path after the card', () => {
    const r = iiot(['chat'], { input: '湖北\n', env: withPictures });
    const path = /^图片: (.+\.png)$/m.exec(r.stdout)?.[1];
    expect(path).toBeDefined();
    expect(r.stdout.indexOf('湖北 · 示范引领梯队')).toBeLessThan(r.stdout.indexOf('图片:'));
    expect(decodePng(readFileSync(path!)).width).toBe(1800);
  }, 60_000);

  it('leaves pictures out with PICTURES=off', () => {
    const r = iiot(['chat'], { input: '湖北\n', env: { PICTURES: 'off' } });
    expect(r.stdout).toContain('湖北 · 示范引领梯队');
    expect(r.stdout).not.toContain('图片');
  }, 60_000);

  it('keeps one conversation for the session: a follow-up is read against the answer before it', () => {
    const r = iiot(['start'], { input: '江苏\n它的路径呢\nEnglish please\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('江苏的发展路径 · 示范引领梯队\n接上文：江苏');
    expect(r.stdout).toContain('Development path: Jiangsu · Tier: Leading the Way\nFollowing up on: Jiangsu');
  });

  it('follows a numbered button of the previous card', () => {
    const r = iiot(['chat'], { input: 'shanxi\n2\n' });
    expect(r.stdout).toContain('[1] 山西 Shanxi  [2] 陕西 Shaanxi');
    expect(r.stdout).toContain('Shaanxi 陕西 · Tier: Rapid Rise');
  });
});

describe('bad configuration', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /^iiot: SLACK_APP_TOKEN is missing: /],
    [{ SLACK_BOT_TOKEN: 'nope', SLACK_APP_TOKEN: 'xapp-1' }, /^iiot: SLACK_BOT_TOKEN is not valid: /],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_MODE: 'http' }, /^iiot: SLACK_SIGNING_SECRET is missing: /],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_MODE: 'carrier-pigeon' }, /^iiot: SLACK_MODE is not valid: /],
    [{ FEISHU_APP_ID: 'app', FEISHU_APP_SECRET: 'secret-secret' }, /^iiot: FEISHU_APP_ID is not valid: /],
    [{ FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718' }, /^iiot: FEISHU_APP_SECRET is missing: /],
    [{ FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718', FEISHU_APP_SECRET: 'secret-secret', FEISHU_MODE: 'webhook' }, /^iiot: FEISHU_ENCRYPT_KEY is missing: /],
    [{ PORT: 'eighty' }, /^iiot: PORT is not valid: /],
    [{ PICTURES: 'maybe' }, /^iiot: PICTURES is not valid: /],
    [{ SHUTDOWN_TIMEOUT_MS: '10s' }, /^iiot: SHUTDOWN_TIMEOUT_MS is not valid: milliseconds/],
    [{ API_TIMEOUT_MS: '0' }, /^iiot: API_TIMEOUT_MS is not valid: milliseconds/],
  ];
  for (const [env, message] of cases) {
    it(`${Object.keys(env).join(' + ')} → one line naming the variable`, () => {
      const r = iiot(['start'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('reads variables from .env in the working directory', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'iiot-env-'));
    writeFileSync(join(cwd, '.env'), 'SLACK_BOT_TOKEN=xoxb-from-dotenv\n');
    const r = iiot(['start'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^iiot: SLACK_APP_TOKEN is missing/);
  });
});
