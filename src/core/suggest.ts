import { editDistance as distance } from './distance.js';
import { groupings, report, shortEnglishName } from './data.js';
import { regionTitle } from './i18n.js';
import type { CardAction, Lang } from './types.js';

/** "Did you mean": the dataset's own names that look most like what was typed. */

interface Candidate {
  latin: string[];
  zh: string;
  /** The distinct characters of `zh`, worked out once: suggest() compares them with every word. */
  zhChars: string[];
  label: Record<Lang, string>;
  command: string;
}

const CANDIDATES: Candidate[] = ([
  ...report.regions.map((r) => ({
    latin: [r.pinyin, shortEnglishName(r).toLowerCase(), ...r.cities.map((c) => c.en.toLowerCase().replace(/'/g, ''))],
    zh: r.zh,
    label: { zh: regionTitle(r.id, 'zh'), en: regionTitle(r.id, 'en') },
    command: `region ${r.id}`,
  })),
  ...report.tiers.map((t) => ({ latin: [t.en.toLowerCase()], zh: t.zh, label: { zh: t.zh, en: t.en }, command: `tier ${t.id}` })),
  ...report.paths.map((p) => ({ latin: [p.en.toLowerCase()], zh: p.zh, label: { zh: p.zh, en: p.en }, command: `path ${p.id}` })),
  ...groupings.groupings.map((g) => ({ latin: [g.en.toLowerCase()], zh: g.zh, label: { zh: g.zh, en: g.en }, command: `group ${g.id}` })),
] satisfies Omit<Candidate, 'zhChars'>[]).map((c) => ({ ...c, zhChars: [...new Set(c.zh)] }));

/** How many of the characters in `chars` occur in `word`. */
function sharedChars(chars: string[], word: string): number {
  let shared = 0;
  for (const ch of chars) if (word.includes(ch)) shared++;
  return shared;
}

/** Up to `max` suggestions for the words and Chinese fragments that matched nothing. */
export function suggest(leftovers: string[], lang: Lang, max = 5): CardAction[] {
  const scored = new Map<Candidate, number>();
  const score = (c: Candidate, s: number) => scored.set(c, Math.min(scored.get(c) ?? Infinity, s));
  // A handful of words is enough to guess from, and keeps a pasted paragraph cheap.
  for (const word of leftovers.slice(0, 6)) {
    if (/[\u3400-\u9fff]/.test(word)) {
      for (const c of CANDIDATES) {
        const shared = sharedChars(c.zhChars, word);
        // Plausibly a name: two of its characters (黑龙 → 黑龙江), or a single character typed on its own
        // (湖 → 湖北, 湖南). One shared character in a longer fragment is chance: 今天天气 is no 天津.
        if (shared >= 2 || (shared === 1 && [...word].length === 1)) score(c, c.zh.length - shared);
      }
    } else if (word.length >= 3 && word.length <= 24) {
      // A misspelt name keeps its first letter and most of the rest: `time` is no Tibet, `going` no Shaanxi.
      const limit = Math.max(1, Math.floor(word.length / 3));
      for (const c of CANDIDATES) {
        for (const name of c.latin) {
          if (name[0] !== word[0]) continue;
          const prefix = name.slice(0, word.length + 2);
          if (Math.abs(prefix.length - word.length) > limit) continue;
          const d = distance(word, prefix);
          if (d <= limit) score(c, d);
        }
      }
    }
  }
  return [...scored.entries()]
    .sort((a, b) => a[1] - b[1])
    .slice(0, max)
    .map(([c]) => ({ label: c.label[lang], command: `${c.command} --lang ${lang}` }));
}
