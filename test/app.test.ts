import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startBot } from '../src/app.js';
import { quietLogger } from './support/logs.js';

/** A Feishu Open API that holds `bot/v3/info` until released: start-up is then visibly in progress. */
function slowFeishu(): Promise<{ server: Server; origin: string; release: () => void }> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const server = createServer(async (req, res) => {
    const send = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url?.includes('tenant_access_token')) return send({ code: 0, tenant_access_token: 't-slow', expire: 7200 });
    await released;
    send({ code: 0, bot: { open_id: 'ou_slowbot', app_name: 'iiot' } });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
    resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, release })));
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

describe('startBot', () => {
  it('opens its port, and so /healthz, only once every platform is ready', async () => {
    const feishu = await slowFeishu();
    servers.push(feishu.server);
    const port = await freePort();
    const starting = startBot({
      port, logLevel: 'error',
      feishu: { mode: 'webhook', appId: 'cli_a1b2c3d4e5f6aaaa', appSecret: 'slow-secret', encryptKey: 'k', verificationToken: 't', domain: feishu.origin },
    }, { host: '127.0.0.1', logger: quietLogger });
    await new Promise((r) => setTimeout(r, 300));
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    feishu.release();
    const bot = await starting;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await res.text()).toBe('ok');
    } finally {
      await bot.stop();
    }
  });
});
