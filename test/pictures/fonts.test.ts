/**
 * The bundled fonts: the subset is what test/tools/font-subset.ts makes from the characters pictures
 * draw (stale → fail), it covers every character any picture draws, and Chinese and English both
 * render as glyphs (not as boxes, nor as nothing).
 */
import { readFileSync } from 'node:fs';
import * as hb from 'harfbuzzjs';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/core/types.js';
import { FONT_FILES, svgToPng } from '../../src/pictures/masks.js';
import { FONT_FAMILY, pictureSvg } from '../../src/pictures/svg.js';
import { allAnswers } from '../support/all-answers.js';
import { decodePng } from '../support/png.js';
import { CHARACTERS_FILE, pictureCharacters } from '../tools/font-subset.js';

const faces = FONT_FILES.map((file) => new hb.Face(new hb.Blob(readFileSync(file))));
const covered = faces.map((face) => new Set(face.collectUnicodes()));

/** The text of every <text> element of a picture's SVG, entities decoded. */
function drawnText(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join('')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

describe('data/fonts', () => {
  it('is up to date with what pictures draw (regenerate: node --import tsx test/tools/font-subset.ts)', () => {
    expect(readFileSync(CHARACTERS_FILE, 'utf8').replace(/\n$/, '')).toBe(pictureCharacters());
  }, 60_000);

  it('has a glyph for every character of the subset, in both weights', () => {
    const wanted = [...readFileSync(CHARACTERS_FILE, 'utf8').replace(/\n$/, '')].map((c) => c.codePointAt(0)!);
    for (const set of covered) expect(wanted.filter((c) => !set.has(c)).map((c) => String.fromCodePoint(c))).toEqual([]);
  });

  it('keeps Bold a weight of the Noto Sans SC family (typographic names, IDs 16 and 17)', () => {
    const [regular, bold] = faces;
    expect(bold.getName(16, 'en') || bold.getName(1, 'en')).toBe(FONT_FAMILY);
    expect(bold.getName(17, 'en') || bold.getName(2, 'en')).toBe('Bold');
    expect(regular.getName(16, 'en') || regular.getName(1, 'en')).toBe(FONT_FAMILY);
  });

  it('covers every character drawn on every picture, in both languages', () => {
    // What varies between pictures is the title, the legend and the note; the rest (region labels,
    // caption, source, axes) is read from one drawing of each kind per language.
    const texts: string[] = [];
    const kinds = new Set<string>();
    for (const a of allAnswers()) {
      if (!a.card.image) continue;
      texts.push(a.card.image.title, ...a.card.image.legend.map((l) => l.label), a.card.image.note ?? '');
      const kind = `${a.lang} ${a.card.image.picture.kind}`;
      if (!kinds.has(kind)) {
        kinds.add(kind);
        texts.push(drawnText(pictureSvg(a.card.image, a.lang as Lang)));
      }
    }
    expect(kinds.size).toBe(4);
    for (const label of ['黑龙江', 'Inner Mongolia', '示意图', 'Schematic map', '地区数量']) expect(texts.join('')).toContain(label);
    const missing = new Set([...texts.join('')].filter((ch) => ch.trim() && !covered[0].has(ch.codePointAt(0)!)));
    expect([...missing]).toEqual([]);
  }, 60_000);

  it('draws Chinese and English as glyphs, not boxes', async () => {
    // Through the renderer's own rasteriser, with its fonts and nothing else.
    const render = async (text: string) => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40"><text x="4" y="30" font-family="sans-serif" font-size="24">${text}</text></svg>`;
      return decodePng(await svgToPng(svg)).data;
    };
    // A character no font has comes out as nothing (resvg leaves it out rather than drawing the .notdef
    // box): U+E000, private use, shows what a missing glyph looks like. Every real one must draw ink.
    const blank = await render(' ');
    expect((await render('\ue000')).equals(blank)).toBe(true);
    for (const ch of ['湖', '梯', '（', 'H', 'g', '5']) expect((await render(ch)).equals(blank), ch).toBe(false);
    expect((await render('湖')).equals(await render('北'))).toBe(false);
  }, 60_000);
});
