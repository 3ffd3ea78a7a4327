/**
 * Memory of the bot as production runs it: its own process, both platforms configured (Slack HTTP
 * mode and Feishu webhook, so both SDKs are loaded), read after start-up, after the first half of
 * 100,000 signed `/iiot` commands and after the second half. A "handled request" is the real thing:
 * signature check, Bolt, core, renderer, the card written back; the connections cycle through every
 * kind of question the core bench uses, so per-question state would show. Each reading follows two
 * full GCs in the child (--expose-gc): live memory, not garbage waiting for a collection. A leak
 * shows as the heap still growing in the second half.
 *
 * The same 100,000 commands go, each in its own fresh process, to the bot with Slack only and to a
 * bare Bolt app (servers/bare-bolt.mjs): the bot's Slack RSS is compared with bare Bolt's.
 *
 * For scale, start-up memory with one platform at a time is read too. The one store that grows by
 * design is the dedup store (Feishu event and message ids, Slack event ids), capped at 100,000 keys:
 * its size when full is measured here as well, in process.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemoryStore } from '../../src/infra/store.js';
import { FakeFeishu } from '../fakes/feishu-api.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { CASES } from './core.js';
import { APP_SECRET, feishuConfig } from './feishu-e2e.js';
import { load } from './load.js';
import { startServer, type ServerChild } from './processes.js';
import { target, type BenchOptions, type Section } from './report.js';
import { CONNECTIONS, EVENTS_PATH, SECRET, signedCommand, slackConfig } from './slack-e2e.js';
import { fmt, table } from './stats.js';

const RSS_LIMIT = 150 * 1024 * 1024;
const DEDUP_CAP = 100_000;

/** Heap taken by a full dedup store: Feishu-shaped keys, as many as it keeps. */
async function dedupStoreFull(): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const hex = (i: number) => i.toString(16).padStart(32, '0');
  gc();
  const before = process.memoryUsage().heapUsed;
  const store = new MemoryStore(DEDUP_CAP);
  for (let i = 0; i < DEDUP_CAP; i++) await store.claim(i % 2 ? `feishu:event:${hex(i)}` : `feishu:message:om_${hex(i)}`, 8 * 3600_000);
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  if (store.size !== DEDUP_CAP) throw new Error(`dedup store holds ${store.size}, expected ${DEDUP_CAP}`);
  return bytes;
}

/** Memory right after start-up of a bot with these platforms (each SDK's share shows in the difference). */
async function startupMemory(platforms: object): Promise<NodeJS.MemoryUsage> {
  const bot = await startServer('bot', [JSON.stringify(platforms)]);
  try {
    return await bot.memory();
  } finally {
    await bot.stop();
  }
}

/** Sends `amount` signed commands, cycling through every kind of question; returns the failures. */
async function commands(server: ServerChild, amount: number): Promise<number> {
  // Signed afresh for each call (Bolt allows 5 minutes). The 40,000-character question is cut to
  // 4,000: more than a slash command can carry, so the server still gets an oversized one.
  const requests = CASES.map((c) => signedCommand(c.text.slice(0, 4000)));
  const r = await load({ url: `${server.url}${EVENTS_PATH}`, requests, connections: CONNECTIONS, amount });
  return r.errors + Math.max(0, amount - r.completed);
}

/** A fresh server's memory after `amount` commands (and its failures). */
async function afterCommands(script: string, args: string[], amount: number): Promise<{ usage: NodeJS.MemoryUsage; errors: number }> {
  const server = await startServer(script, args);
  try {
    const errors = await commands(server, amount);
    return { usage: await server.memory(), errors };
  } finally {
    await server.stop();
  }
}

export async function benchMemory(opts: BenchOptions): Promise<Section> {
  const total = opts.quick ? 10_000 : 100_000;
  const slack = await FakeSlack.start();
  const feishu = await FakeFeishu.start();
  feishu.appSecret = APP_SECRET;
  const slackOnly = await startupMemory({ slack: slackConfig(slack.apiUrl) });
  const feishuOnly = await startupMemory({ feishu: feishuConfig(feishu.origin) });
  const bot = await startServer('bot', [JSON.stringify({ slack: slackConfig(slack.apiUrl), feishu: feishuConfig(feishu.origin) })]);
  try {
    const start = await bot.memory();
    const t0 = Date.now();
    const errors = await commands(bot, total / 2);
    const mid = await bot.memory();
    const errorsBoth = errors + (await commands(bot, total / 2));
    const end = await bot.memory();
    const seconds = (Date.now() - t0) / 1000;
    await bot.stop();
    const slackBot = await afterCommands('bot', [JSON.stringify({ slack: slackConfig(slack.apiUrl) })], total);
    const bareBolt = await afterCommands('bare-bolt', [SECRET], total);
    const errorsTotal = errorsBoth + slackBot.errors + bareBolt.errors;
    const rssVsBolt = slackBot.usage.rss / bareBolt.usage.rss;
    const dedupBytes = await dedupStoreFull();

    const heapGrowth = (end.heapUsed - mid.heapUsed) / mid.heapUsed;
    const rssGrowth = (end.rss - mid.rss) / mid.rss;
    const firstHalfHeap = (mid.heapUsed - start.heapUsed) / start.heapUsed;
    const row = (label: string, m: NodeJS.MemoryUsage) => [label, fmt.mb(m.rss), fmt.mb(m.heapUsed), fmt.mb(m.heapTotal), fmt.mb(m.external)];
    const n = fmt.num(total);
    return {
      name: 'memory',
      data: {
        requests: total, seconds, errors: errorsTotal, startSlackOnly: slackOnly, startFeishuOnly: feishuOnly,
        start, afterFirstHalf: mid, afterSecondHalf: end,
        heapGrowthFirstHalf: firstHalfHeap, heapGrowthSecondHalf: heapGrowth, rssGrowthSecondHalf: rssGrowth,
        dedupStoreFullBytes: dedupBytes, dedupStoreKeys: DEDUP_CAP,
        slackOnlyAfter: slackBot.usage, bareBoltAfter: bareBolt.usage, rssSlackOnlyVsBareBolt: rssVsBolt,
      },
      tables: [
        table(`Memory: bot with Slack + Feishu, ${n} signed /iiot commands (${CASES.length} kinds of question), after full GC`,
          ['reading', 'RSS', 'heap used', 'heap total', 'external'],
          [
            row('after start-up, Slack only', slackOnly),
            row('after start-up, Feishu only', feishuOnly),
            row('after start-up, Slack + Feishu', start),
            row(`after ${fmt.num(total / 2)}`, mid),
            row(`after ${n}`, end),
            ['second half: growth', fmt.pct(rssGrowth), fmt.pct(heapGrowth), '', ''],
            [`dedup store full (${fmt.num(DEDUP_CAP)} keys, its cap)`, '', fmt.mb(dedupBytes), '', ''],
            row(`bot with Slack only, after ${n} (a fresh process)`, slackBot.usage),
            row(`bare Bolt, after ${n} (a fresh process)`, bareBolt.usage),
          ]),
      ],
      targets: [
        target(`RSS after ${n} requests`, '< 150 MB', fmt.mb(end.rss), end.rss < RSS_LIMIT),
        target('Heap growth in the second half', '< 5%', fmt.pct(heapGrowth), heapGrowth < 0.05),
        target(`RSS after ${n} /iiot, bot (Slack only) / bare Bolt`, '≤ 1.0×', fmt.ratio(rssVsBolt), rssVsBolt <= 1),
        target('Errors during the memory run', '0', fmt.num(errorsTotal), errorsTotal === 0),
      ],
    };
  } finally {
    await bot.stop();
    await slack.close();
    await feishu.close();
  }
}
