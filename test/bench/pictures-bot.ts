/**
 * What pictures add to a running bot's memory (issue 20's goal, read where it applies): two bot
 * processes as production runs them (dist/, Feishu webhook mode against a fake Open API each), one
 * with pictures on and one with them off, get the same traffic. First a warm-up of 2,000 direct
 * messages of every kind of question (core.ts' cases), as a bot that has been up a while has seen;
 * then 400 questions whose answers each carry a picture never drawn before (two regions compared,
 * Chinese and English alternately: each a new map and a new title), at 20 a second. RSS is read
 * after full GCs in each child. What pictures add is the on bot's RSS less the off bot's.
 */
import { Agent } from 'node:http';
import { handle } from '../../src/core/handle.js';
import { report } from '../../src/core/data.js';
import { FakeFeishu } from '../fakes/feishu-api.js';
import { CASES } from './core.js';
import { APP_SECRET, askDirectly, feishuConfig, PATH, post, type Delivery } from './feishu-e2e.js';
import { startServer, type ServerChild } from './processes.js';
import { sleep } from './stats.js';

export interface BotMemory {
  pictures: number;
  /** RSS of the bot with pictures off and on: after start-up, after the warm-up, after the pictures. */
  off: { started: number; warm: number; after: number };
  on: { started: number; warm: number; after: number };
  /** Pictures the on bot sent (image patches), and replies the off bot sent, in the pictures phase. */
  sent: { on: number; off: number };
}

/** Questions whose answers carry a map: pairs of regions compared, Chinese and English in turn. */
function pictureQuestions(count: number): string[] {
  const out: string[] = [];
  const regions = report.regions;
  for (let i = 0; i < regions.length && out.length < count; i++) {
    for (let j = i + 1; j < regions.length && out.length < count; j++) {
      const text = out.length % 2 ? `compare ${regions[i].en} and ${regions[j].en}` : `${regions[i].zh}和${regions[j].zh}比较`;
      const answer = handle({ text, platform: 'feishu' });
      if (answer.intent === 'compare' && answer.card.image) out.push(text);
    }
  }
  if (out.length < count) throw new Error(`pictures bench: only ${out.length} comparison questions carry a picture`);
  return out;
}

/** Posts the messages at `rate`/s (each encrypted and signed afresh); resolves when all are acked. */
async function send(server: ServerChild, texts: string[], rate: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const start = performance.now();
  const acks: Promise<number | undefined>[] = [];
  for (let i = 0; i < texts.length; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const d: Delivery = askDirectly(texts[i]);
    acks.push(post(`${server.url}${PATH}`, agent, d));
  }
  const failed = (await Promise.all(acks)).filter((ms) => ms === undefined).length;
  agent.destroy();
  if (failed) throw new Error(`pictures bench: ${failed} of ${texts.length} events were not acked`);
}

/** Waits (up to a minute) until `done()` reaches `count`. */
async function until(done: () => number, count: number): Promise<number> {
  for (let waited = 0; done() < count && waited < 60_000; waited += 100) await sleep(100);
  return done();
}

export async function picturesInRunningBot(quick: boolean): Promise<BotMemory> {
  const pictures = quick ? 60 : 400;
  const questions = pictureQuestions(pictures);
  const warmUp = Array.from({ length: quick ? 300 : 2000 }, (_, i) => CASES[i % CASES.length].text.slice(0, 4000));
  const fakes = { off: await FakeFeishu.start(), on: await FakeFeishu.start() };
  const bots: Partial<Record<'off' | 'on', ServerChild>> = {};
  try {
    for (const key of ['off', 'on'] as const) {
      fakes[key].appSecret = APP_SECRET;
      bots[key] = await startServer('bot', [JSON.stringify({ feishu: feishuConfig(fakes[key].origin), pictures: key === 'on' })]);
    }
    const { off, on } = bots as Record<'off' | 'on', ServerChild>;
    const rss = async (bot: ServerChild) => (await bot.memory()).rss;
    const started = { off: await rss(off), on: await rss(on) };
    await Promise.all([send(off, warmUp, 200), send(on, warmUp, 200)]);
    await Promise.all([until(() => fakes.off.delivered.length, warmUp.length), until(() => fakes.on.delivered.length, warmUp.length)]);
    const warm = { off: await rss(off), on: await rss(on) };
    for (const fake of Object.values(fakes)) fake.reset();
    await Promise.all([send(off, questions, 20), send(on, questions, 20)]);
    // Pictures off: one reply each. On: the card, then the picture patched into it (or in the card
    // itself, where the warm-up already uploaded the same picture).
    const withPicture = (card: unknown) => JSON.stringify(card).includes('"img_key"');
    const sent = {
      off: await until(() => fakes.off.delivered.length, pictures),
      on: await until(() => fakes.on.patched.length + fakes.on.delivered.filter((d) => withPicture(d.card)).length, pictures),
    };
    const after = { off: await rss(off), on: await rss(on) };
    return {
      pictures,
      off: { started: started.off, warm: warm.off, after: after.off },
      on: { started: started.on, warm: warm.on, after: after.on },
      sent,
    };
  } finally {
    for (const bot of Object.values(bots)) await bot?.stop();
    for (const fake of Object.values(fakes)) await fake.close();
  }
}
