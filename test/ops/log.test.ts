import { describe, expect, it } from 'vitest';
import { loadConfig, secretsOf } from '../../src/infra/config.js';
import { jsonLogger } from '../support/logs.js';

describe('the logger', () => {
  it('keeps the console-like call shape: strings joined, errors as err, a leading object as fields', () => {
    const log = jsonLogger('debug');
    log.logger.info('feishu: reply failed:', 'code 5', 42);
    log.logger.error('slack: boom:', new Error('kaput'));
    log.logger.warn({ platform: 'slack', status: 400 }, 'request rejected');
    const [a, b, c] = log.lines();
    expect(a).toMatchObject({ level: 'info', msg: 'feishu: reply failed: code 5 42', name: 'iiot' });
    expect(b).toMatchObject({ level: 'error', msg: 'slack: boom: kaput', err: { type: 'Error', message: 'kaput' } });
    expect(b!.err.stack).toContain('log.test.ts');
    expect(c).toMatchObject({ level: 'warn', msg: 'request rejected', platform: 'slack', status: 400 });
    expect(Date.parse(a!.time)).not.toBeNaN();
  });

  it('honours the level', () => {
    const log = jsonLogger('warn');
    log.logger.debug('d');
    log.logger.info('i');
    log.logger.warn('w');
    expect(log.lines().map((l) => l.msg)).toEqual(['w']);
  });

  it('masks configured secrets and token-shaped strings wherever they appear', () => {
    const secret = 'sig"ning\\secret-42';
    const log = jsonLogger('debug', [secret, 'app-secret-123']);
    log.logger.debug('config', { signingSecret: secret });
    log.logger.error('token call failed:', new Error('POST {"app_id":"cli_1","app_secret":"app-secret-123"} 400'));
    log.logger.info({ headers: { authorization: 'Bearer t-g1044ghJ7ABCDEFGHIJKLMNOP' } }, 'request');
    log.logger.warn('pasted a token: xoxb-1234-5678-abcdefABCDEF and xapp-1-A0-99-ffee');
    const raw = log.raw();
    for (const leaked of ['app-secret-123', 'secret-42', 't-g1044ghJ7', 'xoxb-1234', 'xapp-1-A0']) expect(raw).not.toContain(leaked);
    expect(raw.match(/\[redacted\]/g)!.length).toBeGreaterThanOrEqual(5);
    expect(log.lines()).toHaveLength(4); // still valid JSON lines
  });

  it('masks REDIS_URL and its password, as written in the URL and decoded', () => {
    const config = loadConfig({ REDIS_URL: 'redis://bot:p%40ss-w0rd-77@redis.internal:6379/0' });
    const log = jsonLogger('debug', secretsOf(config));
    log.logger.error('redis: connect failed:', new Error('connect to redis://bot:p%40ss-w0rd-77@redis.internal:6379/0 refused'));
    log.logger.warn({ auth: 'p@ss-w0rd-77' }, 'redis: AUTH p@ss-w0rd-77 failed');
    const raw = log.raw();
    for (const leaked of ['p%40ss-w0rd-77', 'p@ss-w0rd-77']) expect(raw).not.toContain(leaked);
    expect(raw.match(/\[redacted\]/g)!.length).toBeGreaterThanOrEqual(4);
  });

  it('cuts SDK errors down to type, message, code and stack (no request, headers or body)', () => {
    const log = jsonLogger('debug');
    const err = Object.assign(new Error('Request failed with status code 500'), {
      code: 'ERR_BAD_RESPONSE', config: { headers: { Authorization: 'x' }, data: '{"card":"…"}' }, response: { status: 500 },
    });
    log.logger.warn('[lark]', err);
    expect(Object.keys(log.lines()[0]!.err).sort()).toEqual(['code', 'message', 'stack', 'type']);
  });
});
