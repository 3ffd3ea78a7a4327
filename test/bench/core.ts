/**
 * The core, in process: `handle()` per kind of question, and each renderer per resulting card, as
 * compiled into dist/, which is what production runs (the sources through tsx were measurably slower
 * in the same process: handle('湖北') p50 18–22 µs against 10–16 µs).
 * Every call is timed on its own (performance.now, sub-µs), so p99 includes the GC pauses a real
 * request would hit. Each case runs for a fixed time, bounded in samples too.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Answer, Intent } from '../../src/core/types.js';
import { target, type BenchOptions, type Section } from './report.js';
import { fmt, Samples, summarize, table, type Summary } from './stats.js';

interface Case {
  key: string;
  label: string;
  text: string;
  /** What `handle()` must answer, so the bench cannot silently measure the wrong path. */
  intent: Intent;
  regions?: string[];
  /** A follow-up: the question before it, whose context it is answered with (through converse()). */
  after?: string;
}

/** 40,000 characters of deterministic noise: CJK, Latin, digits, punctuation, fake mentions. */
function garbage(chars: number): string {
  let seed = 0x1f2e3d4c;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pieces = ['的', '工业', '互联网', 'xq', 'zzv', 'hub', '12', '!?', ' ', '<@U0X>', '（', '@_user_1', 'ßé', '\u0007'];
  let s = '';
  while (s.length < chars) s += rand() < 0.6 ? String.fromCharCode(0x4e00 + Math.floor(rand() * 0x5000)) : pieces[Math.floor(rand() * pieces.length)];
  return s.slice(0, chars);
}

export const CASES: Case[] = [
  { key: 'region-zh', label: 'region, Chinese name (湖北)', text: '湖北', intent: 'region', regions: ['hubei'] },
  { key: 'region-en', label: 'region, English name (Hubei)', text: 'Hubei', intent: 'region', regions: ['hubei'] },
  { key: 'region-typo', label: 'region, typo → fuzzy (Zhejang)', text: 'Zhejang', intent: 'region', regions: ['zhejiang'] },
  { key: 'region-sound', label: 'region, by sound (胡北 → 湖北)', text: '胡北', intent: 'region', regions: ['hubei'] },
  { key: 'tiers', label: 'tier list (梯队)', text: '梯队', intent: 'tier' },
  {
    key: 'compare-5', label: 'compare 5 regions', text: '比较 北京 上海 广东 江苏 浙江', intent: 'compare',
    regions: ['beijing', 'shanghai', 'guangdong', 'jiangsu', 'zhejiang'],
  },
  {
    key: 'group', label: 'grouping in a sentence (长三角怎么样)', text: '长三角怎么样', intent: 'group',
    regions: ['shanghai', 'jiangsu', 'zhejiang', 'anhui'],
  },
  { key: 'compare-all', label: 'compare all, grouped by tier', text: 'compare all', intent: 'compare' },
  { key: 'metrics', label: 'metrics (指标)', text: '指标', intent: 'metrics' },
  { key: 'help', label: 'help', text: 'help', intent: 'help' },
  { key: 'follow-up-path', label: 'follow-up (江苏 → 它的路径呢)', text: '它的路径呢', after: '江苏', intent: 'path', regions: ['jiangsu'] },
  {
    key: 'follow-up-edit', label: 'follow-up (compare sichuan and chongqing → add shaanxi)', text: 'add shaanxi',
    after: 'compare sichuan and chongqing', intent: 'compare', regions: ['sichuan', 'chongqing', 'shaanxi'],
  },
  { key: 'garbage-40k', label: '40,000-char garbage', text: garbage(40_000), intent: 'unknown' },
];

/** Full collections between cases, so one case's garbage is not collected on the next one's clock. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Keeps results observable so the JIT cannot drop the calls being measured. */
let sink = 0;

function measure(fn: () => unknown, budgetMs: number, maxSamples = 500_000): Summary & { opsPerSec: number } {
  // Warm-up: a fifth of the budget, untimed, so the JIT has settled before sampling.
  const warmEnd = performance.now() + budgetMs / 5;
  while (performance.now() < warmEnd) sink ^= fn() ? 1 : 0;
  gc();
  const samples = new Samples();
  const end = performance.now() + budgetMs;
  while (samples.length < maxSamples) {
    const t0 = performance.now();
    const out = fn();
    const t1 = performance.now();
    samples.push(t1 - t0);
    sink ^= out ? 1 : 0;
    if (t1 > end) break;
  }
  const s = summarize(samples.values());
  return { ...s, opsPerSec: 1000 / s.mean };
}

/** A module of dist/, which the bench builds first: the compiled code production runs, typed as its source. */
const compiled = <T>(path: string): Promise<T> => import(new URL(`../../dist/${path}`, import.meta.url).href) as Promise<T>;

export async function benchCore(opts: BenchOptions): Promise<Section> {
  const [{ converse }, { renderFeishuCard }, { renderSlackAnswer }, { renderText }] = await Promise.all([
    compiled<typeof import('../../src/core/handle.js')>('core/handle.js'),
    compiled<typeof import('../../src/render/feishu.js')>('render/feishu.js'),
    compiled<typeof import('../../src/render/slack.js')>('render/slack.js'),
    compiled<typeof import('../../src/render/text.js')>('render/text.js'),
  ]);
  const budget = opts.quick ? 150 : 1000;
  const results: Record<string, unknown> = {};
  const rows: string[][] = [];
  const renderRows: string[][] = [];
  const byKey: Record<string, Summary> = {};

  for (const c of CASES) {
    const inbound = { text: c.text, platform: 'slack' as const };
    const context = c.after === undefined ? undefined : converse({ text: c.after, platform: 'slack' }).context;
    const handle = () => converse(inbound, context).answer;
    const answer: Answer = handle();
    if (answer.intent !== c.intent || (c.regions && answer.regionIds.join() !== c.regions.join())) {
      throw new Error(`core bench: "${c.key}" answered ${answer.intent} [${answer.regionIds}], expected ${c.intent} [${c.regions ?? ''}]`);
    }
    const h = measure(handle, budget);
    const text = measure(() => renderText(answer.card), budget);
    const slack = measure(() => renderSlackAnswer(answer, { share: c.text.slice(0, 100) }), budget);
    const feishu = measure(() => renderFeishuCard(answer.card, { lang: answer.lang }), budget);
    byKey[c.key] = h;
    results[c.key] = { text: c.text.length > 60 ? `${c.text.length} chars` : c.text, handle: h, render: { text, slack, feishu } };
    rows.push([c.label, fmt.num(h.opsPerSec), fmt.time(h.p50), fmt.time(h.p99), fmt.time(h.max)]);
    renderRows.push([c.label, ...[text, slack, feishu].flatMap((r) => [fmt.time(r.p50), fmt.time(r.p99)])]);
  }
  (globalThis as { benchSink?: number }).benchSink = sink; // observable, so the calls cannot be optimised away

  const worst = (...keys: string[]) => Math.max(...keys.map((k) => byKey[k].p99));
  return {
    name: 'core',
    data: { budgetMs: budget, cases: results },
    tables: [
      table('Core: handle() per question, converse() per follow-up (in process)', ['question', 'ops/s', 'p50', 'p99', 'max'], rows),
      table('Core: renderers per card', ['card', 'text p50', 'text p99', 'Slack p50', 'Slack p99', 'Feishu p50', 'Feishu p99'], renderRows),
    ],
    targets: [
      target('handle() p99, direct region lookup', '< 50 µs', fmt.time(worst('region-zh', 'region-en')), worst('region-zh', 'region-en') < 0.05),
      target('handle() p99, fuzzy (typo) path', '< 1 ms', fmt.time(byKey['region-typo'].p99), byKey['region-typo'].p99 < 1),
      target('handle() p99, 40,000-char input', '< 1 ms', fmt.time(byKey['garbage-40k'].p99), byKey['garbage-40k'].p99 < 1),
    ],
  };
}
