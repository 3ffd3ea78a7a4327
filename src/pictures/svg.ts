/**
 * A card's picture as SVG: the layout made at build time (layout.ts) with the picture's colours and
 * words filled in. The elements and attributes are those ECharts wrote when it drew each picture
 * itself, so the pixels are the same (test/pictures/layout.test.ts compares them).
 */
import { groupings, report, shortEnglishName, tierOf } from '../core/data.js';
import { MESSAGES } from '../core/i18n.js';
import { NOT_COVERED_COLOR, PICTURE_TEXT, TIER_COLORS } from '../core/pictures.js';
import type { CardImage, Lang } from '../core/types.js';
import { layout, type Point } from './layout.js';

export const FONT_FAMILY = 'Noto Sans SC';

/** The PNG is drawn at twice the layout's size, so it stays sharp on high-density screens. */
export const ZOOM = 2;

/** On the map but not in the report, by adcode. */
export const NOT_COVERED: Record<number, Record<Lang, string>> = {
  710000: { zh: '台湾', en: 'Taiwan' },
  810000: { zh: '香港', en: 'Hong Kong' },
  820000: { zh: '澳门', en: 'Macao' },
};

const WHITE = '#ffffff';
const TEXT = '#1f1f1f';
const MUTED = '#6b6b6b';

/** A tier colour washed out, for the regions a highlighted map is not about. */
export function fade(hex: string, amount = 0.72): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount).toString(16).padStart(2, '0');
  return `#${mix(n >> 16)}${mix((n >> 8) & 0xff)}${mix(n & 0xff)}`;
}

/** Splits a footer line that would run off the picture: between words, or anywhere in Chinese. */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const piece of text.match(/[\u3400-\u9fff]|[^\s\u3400-\u9fff]+\s*|\s+/g) ?? []) {
    if (line && (line + piece).trimEnd().length > max) {
      lines.push(line.trimEnd());
      line = piece.trimStart();
    } else line += piece;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' } as Record<string, string>)[c]};`);

interface TextStyle {
  size: number;
  fill: string;
  bold?: boolean;
  anchor?: 'start' | 'middle' | 'end';
  /** Where `at` is on the text's box, vertically. */
  align?: 'top' | 'middle' | 'bottom';
  /** A white outline, so a label stays legible across borders. */
  halo?: boolean;
}

/** A line drawn along a mark's outline. */
export interface Stroke {
  color: string;
  width: number;
  /** Painted before the fill, under it (a label's halo). */
  under?: boolean;
  /** How its ends and corners are drawn (stroke-linecap, stroke-miterlimit), part of its shape. */
  attrs?: string;
}

/**
 * One thing a picture draws: a path or a text, and its paint. Its shape (`tag`, `attrs`, `content`)
 * never depends on colour, so the same shape drawn in black is its mask (masks.ts), whatever the
 * picture colours it.
 */
export interface Mark {
  tag: 'path' | 'text';
  /** The attributes that shape and place it (d, transform, font …), each with its leading space. */
  attrs: string;
  /** A text's words, escaped. */
  content?: string;
  /** A colour, or 'none'. */
  fill: string;
  stroke?: Stroke;
  /** The region whose label this is: the SVG groups a label with its leader line. */
  label?: number;
}

/** What a picture draws, in order, over a white background of its size (logical pixels). */
export interface Scene {
  width: number;
  height: number;
  marks: Mark[];
}

function text(content: string, [x, y]: Point, s: TextStyle): Mark {
  const dy = s.align === 'top' ? ` y="${s.size / 2}"` : s.align === 'bottom' ? ` y="${-s.size / 2}"` : '';
  return {
    tag: 'text',
    attrs: ` dominant-baseline="central" text-anchor="${s.anchor ?? 'start'}" style="font-size:${s.size}px;font-family:${FONT_FAMILY};${s.bold ? 'font-weight:bold;' : ''}"`
      + `${/\s/.test(content) ? ' xml:space="preserve"' : ''}${dy} transform="translate(${x} ${y})"`,
    content: escape(content),
    fill: s.fill,
    ...(s.halo ? { stroke: { color: WHITE, width: 2, under: true, attrs: ' stroke-miterlimit="2"' } } : {}),
  };
}

/** Each outline's attribute string, made once: the same string object in every scene (masks.ts keys masks by it). */
const outlines = new Map<string, string>();

const path = (d: string, fill: string, stroke?: Stroke, transform?: string): Mark => {
  let attrs = transform ? ` d="${d}" transform="${transform}"` : outlines.get(d);
  if (attrs === undefined) outlines.set(d, (attrs = ` d="${d}"`));
  return { tag: 'path', attrs, fill, ...(stroke ? { stroke } : {}) };
};

/** A mark's paint as SVG attributes. */
export const paint = (m: Pick<Mark, 'fill' | 'stroke'>): string => ` fill="${m.fill}"` + (m.stroke
  ? ` stroke="${m.stroke.color}" stroke-width="${m.stroke.width}"${m.stroke.under ? ' paint-order="stroke"' : ''}${m.stroke.attrs ?? ''}`
  : '');

/** A mark as an SVG element, in its own paint or in the one given. */
export const element = (m: Mark, painted = paint(m)): string => `<${m.tag}${m.attrs}${painted}>${m.content ?? ''}</${m.tag}>`;

/** The SVG element opening a picture (or the part of one `view` frames: x y width height). */
export const svgOpen = (width: number, height: number, view = `0 0 ${width} ${height}`): string =>
  `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="${view}">`;

/** The scene as an SVG document: what resvg draws, and what the compositor's pixels are checked against. */
export function sceneSvg({ width, height, marks }: Scene): string {
  const body: string[] = [];
  for (let i = 0; i < marks.length; i++) {
    const label = marks[i].label;
    if (label === undefined) {
      body.push(element(marks[i]));
      continue;
    }
    const group: string[] = [];
    for (; marks[i]?.label === label; i++) group.push(element(marks[i]));
    i--;
    body.push(`<g class="label" data-adcode="${label}">\n${group.join('\n')}\n</g>`);
  }
  return `${svgOpen(width, height)}\n<rect width="${width}" height="${height}" x="0" y="0" fill="${WHITE}"></rect>\n${body.join('\n')}\n</svg>\n`;
}

const title = (words: string) => text(words, [29, 21], { size: 22, fill: TEXT, bold: true, align: 'top' });

/** Characters of an 11 px footer line that fit across the picture (CJK glyphs are twice as wide). */
const FOOTER_CHARS = { zh: 76, en: 140 } as const;

/** Footer lines from the bottom up, `bottom` px above the picture's lower edge. */
const footer = (texts: string[], height: number, bottom: number, lang: Lang) => texts
  .flatMap((t) => wrap(t, FOOTER_CHARS[lang])).reverse()
  .map((line, i) => text(line, [24, height - bottom - 11 - i * 16], { size: 11, fill: MUTED, align: 'top' }));

/** The note under the title (12 px), wrapped clear of the map's north-east (Heilongjiang). */
const NOTE_CHARS = { zh: 36, en: 80 } as const;
export const NOTE_TOP = 52;
export const noteLines = (note: string | undefined, lang: Lang): string[] => (note ? wrap(note, NOTE_CHARS[lang]) : []);

/** A region's name as its label shows it. */
const regionLabel = (adcode: number, lang: Lang): string => {
  const r = report.regions.find((x) => x.adcode === adcode);
  if (r) return lang === 'zh' ? r.zh : shortEnglishName(r);
  return NOT_COVERED[adcode]?.[lang] ?? '';
};

export function mapScene(image: CardImage, lang: Lang): Scene {
  const { width, height, regions } = layout().map;
  const t = PICTURE_TEXT[lang];
  const highlight = image.picture.kind === 'map' && image.picture.highlight ? new Set(image.picture.highlight) : undefined;
  const byAdcode = new Map(report.regions.map((r) => [r.adcode, r]));

  const legendTop = height - 64 - image.legend.length * 22;
  const legend = image.legend.flatMap((entry, i) => [
    path('M0 0l18 0l0 13l-18 0Z', entry.color, undefined, `translate(24 ${legendTop + i * 22})`),
    text(entry.label, [50, legendTop + i * 22], { size: 13, fill: TEXT, align: 'top' }),
  ]);

  const shapes: Mark[] = [];
  const labels: Mark[] = [];
  for (const region of regions) {
    const r = byAdcode.get(region.adcode);
    const on = r !== undefined && (!highlight || highlight.has(r.id));
    if (r) {
      const color = TIER_COLORS[tierOf.get(r.id)!.id];
      shapes.push(on && highlight
        ? path(region.d, color, { color: '#202020', width: 1.6 })
        : path(region.d, on ? color : fade(color), { color: WHITE, width: 0.8 }));
    } else if (NOT_COVERED[region.adcode]) {
      // Outlined in their own grey, or Macao (a few pixels across) would vanish under a white border.
      shapes.push(path(region.d, NOT_COVERED_COLOR, { color: NOT_COVERED_COLOR, width: 1 }));
    } else {
      shapes.push(path(region.d, WHITE, { color: '#9a9a9a', width: 0.8 })); // the islands inset
    }
    if (!region.label) continue;
    const label = { label: region.adcode };
    if (region.leader) labels.push({ ...path(`M${region.leader[0].join(' ')}L${region.leader[1].join(' ')}`, 'none', { color: MUTED, width: 0.6 }), ...label });
    labels.push({
      ...text(regionLabel(region.adcode, lang), region.label, {
        size: lang === 'zh' ? 12 : 10, fill: on ? TEXT : MUTED, bold: on && highlight !== undefined, anchor: 'middle', halo: true,
      }),
      ...label,
    });
  }

  const note = noteLines(image.note, lang).map((line, i) => text(line, [29, NOTE_TOP + i * 16], { size: 12, fill: MUTED, align: 'top' }));
  return { width, height, marks: [...legend, ...footer([t.caption, MESSAGES[lang].source], height, 10, lang), ...note, ...shapes, ...labels, title(image.title)] };
}

export function barsScene(image: CardImage, lang: Lang): Scene {
  const { width, height, gridLines, axisLine, yTicks, yName, bars } = layout().bars;
  const tiers = new Map(report.tiers.map((x) => [x.id, x]));
  return {
    width,
    height,
    marks: [
      ...footer([MESSAGES[lang].source], height, 12, lang),
      ...gridLines.map((d) => path(d, 'none', { color: '#e6e6e6', width: 1 })),
      text(PICTURE_TEXT[lang].regions, yName, { size: 13, fill: MUTED, align: 'bottom' }),
      path(axisLine, 'none', { color: '#54555a', width: 1, attrs: ' stroke-linecap="round"' }),
      ...yTicks.map((tick) => text(tick.text, tick.at, { size: 13, fill: MUTED, anchor: 'end' })),
      ...bars.map((b) => text(tiers.get(b.tierId)![lang], b.nameAt, { size: 15, fill: TEXT, anchor: 'middle', align: 'top' })),
      ...bars.map((b) => path(b.d, TIER_COLORS[b.tierId])),
      ...bars.map((b) => text(b.value, b.valueAt, { size: 18, fill: TEXT, bold: true, anchor: 'middle', align: 'bottom' })),
      title(image.title),
    ],
  };
}

export const pictureScene = (image: CardImage, lang: Lang): Scene => (image.picture.kind === 'map' ? mapScene(image, lang) : barsScene(image, lang));

export const pictureSvg = (image: CardImage, lang: Lang): string => sceneSvg(pictureScene(image, lang));

/** Every string a picture can draw besides the card's own title, legend and note (for the font subset). */
export function fixedPictureTexts(lang: Lang): string[] {
  const t = PICTURE_TEXT[lang];
  return [
    t.caption, t.islands, t.regions, MESSAGES[lang].source, groupings.provenance[lang],
    ...report.regions.map((r) => (lang === 'zh' ? r.zh : shortEnglishName(r))),
    ...Object.values(NOT_COVERED).map((n) => n[lang]),
    ...report.tiers.map((x) => x[lang]),
    ...layout().bars.yTicks.map((tick) => tick.text),
  ];
}
