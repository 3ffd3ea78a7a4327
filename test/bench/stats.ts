/**
 * Small numeric helpers and the plain-text tables the bench prints. No dependencies: the figures
 * must mean the same thing in every run, so the maths is spelled out here.
 */

/** Nearest-rank percentile of already sorted values (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** p50/p99/max/mean of samples (any unit); sorts a copy. */
export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  };
}

/** A growable list of float samples that does not box numbers (hundreds of thousands of them). */
export class Samples {
  private data = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** Rounds for display and JSON: 3 significant digits is all a noisy 2-core machine can tell apart. */
export function round(v: number, digits = 3): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(v))));
  return Math.round(v * scale) / scale;
}

export const fmt = {
  /** Microseconds from milliseconds. */
  us: (ms: number) => `${round(ms * 1000)} µs`,
  ms: (ms: number) => `${round(ms)} ms`,
  /** Picks µs below 1 ms, so core timings and network timings read alike. */
  time: (ms: number) => (!Number.isFinite(ms) ? '—' : ms < 1 ? `${round(ms * 1000)} µs` : `${round(ms)} ms`),
  num: (v: number) => (!Number.isFinite(v) ? '—' : Math.round(v).toLocaleString('en-US')),
  ratio: (v: number) => (!Number.isFinite(v) ? '—' : `${v.toFixed(2)}×`),
  pct: (v: number) => (!Number.isFinite(v) ? '—' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`),
  mb: (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`,
};

/** A table as aligned plain text (also valid Markdown, so the README can take it as is). */
export function table(title: string, header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c ?? '', widths[i], i > 0)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i > 0 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [`### ${title}`, '', line(header), rule, ...rows.map(line), ''].join('\n');
}

/** Display width: CJK characters take two columns in a terminal. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function pad(s: string, w: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return right ? fill + s : s + fill;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
