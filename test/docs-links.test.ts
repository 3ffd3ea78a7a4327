/**
 * The README and the docs/ pages link to each other and to the repository's files: every relative
 * link must lead somewhere, a #fragment to a heading of the page it names (GitHub's anchors), and
 * every docs/ page must be reachable from the README, so moving a section never strands a reader.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown without its fenced and inline code, where brackets and # are not links or headings. */
const prose = (markdown: string): string => markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, (code) => code.replace(/[[\]()#<>]/g, ' '));

/** GitHub's heading anchor: lower case, punctuation dropped (letters of any script kept), spaces → '-', repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** Every link target in a page: [text](target), ![alt](target) and <img src="target">. */
function links(markdown: string): string[] {
  const text = prose(markdown);
  return [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g), ...text.matchAll(/<img\s[^>]*src="([^"]+)"/g)].map((m) => m[1]);
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe('links in README.md and docs/', () => {
  it('finds the pages and their links (the checks below are not vacuous)', () => {
    expect(PAGES).toContain('docs/operations.md');
    expect(links(readFileSync(join(ROOT, 'README.md'), 'utf8')).length).toBeGreaterThan(5);
    expect(anchors('## Soak: `npm run soak`\n## Feishu (飞书) and Lark\n## A\n## A')).toEqual(new Set(['soak-npm-run-soak', 'feishu-飞书-and-lark', 'a', 'a-1']));
  });

  for (const page of PAGES) {
    it(`${page}: every relative link resolves, #anchors included`, () => {
      const broken: string[] = [];
      for (const target of links(readFileSync(join(ROOT, page), 'utf8'))) {
        if (isExternal(target)) continue;
        const [path, fragment] = target.split('#') as [string, string | undefined];
        const file = path ? join(dirname(join(ROOT, page)), decodeURI(path)) : join(ROOT, page);
        if (relative(ROOT, file).startsWith('..')) broken.push(`${target} (outside the repository)`);
        else if (!existsSync(file)) broken.push(`${target} (no such file)`);
        else if (fragment && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(decodeURIComponent(fragment))) broken.push(`${target} (no such heading)`);
        else if (fragment && statSync(file).isDirectory()) broken.push(`${target} (a fragment on a directory)`);
      }
      expect(broken).toEqual([]);
    });
  }

  it('the README links every docs/ page', () => {
    const linked = new Set(links(readFileSync(join(ROOT, 'README.md'), 'utf8')).map((t) => t.split('#')[0]));
    expect(PAGES.filter((p) => p.startsWith('docs/') && !linked.has(p))).toEqual([]);
  });
});
