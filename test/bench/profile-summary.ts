/**
 * `node --import tsx test/bench/profile-summary.ts <file.cpuprofile> [top]`
 *
 * Where a `--cpu-prof` profile (e.g. from `BENCH_CPU_PROF=/tmp/prof npm run bench -- --only slack`)
 * spends its time: self time by package (or src/ or dist/ file), the top functions by self time and by
 * total time (with what they call), without a browser.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

// Self time per node: each sample's delta goes to the node that was on top of the stack.
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** `node_modules/@slack/bolt/…` → `@slack/bolt`; our sources by file; Node internals as `node:`. */
function owner(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node: (internals)';
  const src = /\/(src|dist|test)\/(.+)$/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  return url === '' ? '(native / GC / idle)' : url;
}

// Total time per function: each sample counts once for every function on its stack (recursion once).
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const keyOf = (n: Node) => `${n.callFrame.functionName || '(anonymous)'}  ${owner(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const n = byId.get(at)!;
    if (n.callFrame.url === '' && n.callFrame.functionName.startsWith('(')) continue;
    const key = keyOf(n);
    if (!seen.has(key)) {
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
}

const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id)!;
  const o = owner(f.url);
  byOwner.set(o, (byOwner.get(o) ?? 0) + us);
  const key = keyOf(byId.get(id)!);
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}

const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  }
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
print('Self time by package / file', byOwner);
print('Self time by function', byFunction);
print('Total time by function (itself and what it calls)', inclusive);
