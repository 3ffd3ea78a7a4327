/**
 * The ECharts options for each kind of picture: plain data from the card's image and data/, so they
 * can be tested without drawing. Sizes are in logical pixels (draw.ts zooms).
 */
import { report, shortEnglishName, tierOf } from '../core/data.js';
import { MESSAGES } from '../core/i18n.js';
import { NOT_COVERED_COLOR, PICTURE_TEXT, TIER_COLORS } from '../core/pictures.js';
import type { CardImage, Lang } from '../core/types.js';

export const FONT_FAMILY = 'Noto Sans SC';

/** The GeoJSON of ECharts' `china` map: features keyed by adcode (`id`), named in Chinese. */
export interface ChinaMap {
  type: string;
  features: { id: string; properties: { name: string } }[];
}

/** On the map but not in the report, by adcode. */
export const NOT_COVERED: Record<number, Record<Lang, string>> = {
  710000: { zh: '台湾', en: 'Taiwan' },
  810000: { zh: '香港', en: 'Hong Kong' },
  820000: { zh: '澳门', en: 'Macao' },
};
/** ECharts adds the South China Sea islands inset under this name when the map is registered as `china`. */
export const ISLANDS = '南海诸岛';

/** Labels of the smallest regions, moved off their neighbours (logical px). */
const LABEL_OFFSETS: Record<string, [number, number]> = {
  beijing: [-6, -10],
  tianjin: [22, 6],
  shanghai: [30, 2],
  810000: [26, 12],
  820000: [-34, 22],
  ningxia: [0, 4],
};

const TEXT = '#1f1f1f';
const MUTED = '#6b6b6b';

/** A tier colour washed out, for the regions a highlighted map is not about. */
export function fade(hex: string, amount = 0.72): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount).toString(16).padStart(2, '0');
  return `#${mix(n >> 16)}${mix((n >> 8) & 0xff)}${mix(n & 0xff)}`;
}

/** The adcode → feature name lookup; every region of data/ must have a feature (tested). */
export function featureNames(map: ChinaMap): Map<number, string> {
  return new Map(map.features.map((f) => [Number(f.id), f.properties.name]));
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

/** Characters of an 11 px footer line that fit across the picture (CJK glyphs are twice as wide). */
const FOOTER_CHARS = { zh: 76, en: 140 } as const;

const footer = (texts: string[], bottom: number, lang: Lang) => texts.flatMap((t) => wrap(t, FOOTER_CHARS[lang])).reverse().map((text, i) => ({
  type: 'text', left: 24, bottom: bottom + i * 16,
  style: { text, fill: MUTED, fontSize: 11, fontFamily: FONT_FAMILY },
}));

const title = (text: string) => ({
  text, left: 24, top: 16, textStyle: { fontSize: 22, fontWeight: 'bold', color: TEXT, fontFamily: FONT_FAMILY },
});

export function mapOption(image: CardImage, lang: Lang, map: ChinaMap, height: number) {
  const t = PICTURE_TEXT[lang];
  const highlight = image.picture.kind === 'map' && image.picture.highlight ? new Set(image.picture.highlight) : undefined;
  const names = featureNames(map);
  const labels = new Map<string, string>([[ISLANDS, t.islands]]);
  const data: object[] = [];
  const label = (key: string | number, on: boolean) => ({
    show: true, color: on ? TEXT : MUTED, fontSize: lang === 'zh' ? 12 : 10, fontWeight: on && highlight ? 'bold' : 'normal',
    ...(LABEL_OFFSETS[key] ? { offset: LABEL_OFFSETS[key] } : {}),
  });
  for (const r of report.regions) {
    const name = names.get(r.adcode);
    if (!name) continue;
    const on = !highlight || highlight.has(r.id);
    const color = TIER_COLORS[tierOf.get(r.id)!.id];
    labels.set(name, lang === 'zh' ? r.zh : shortEnglishName(r));
    data.push({
      name,
      itemStyle: on && highlight
        ? { areaColor: color, borderColor: '#202020', borderWidth: 1.6 }
        : { areaColor: on ? color : fade(color), borderColor: '#ffffff', borderWidth: 0.8 },
      label: label(r.id, on),
    });
  }
  for (const [adcode, name] of Object.entries(NOT_COVERED)) {
    const feature = names.get(Number(adcode));
    if (!feature) continue;
    labels.set(feature, name[lang]);
    // Outlined in their own grey, or Macao (a few pixels across) would vanish under its white border.
    data.push({ name: feature, itemStyle: { areaColor: NOT_COVERED_COLOR, borderColor: NOT_COVERED_COLOR, borderWidth: 1 }, label: label(adcode, false) });
  }
  data.push({ name: ISLANDS, itemStyle: { areaColor: '#ffffff', borderColor: '#9a9a9a', borderWidth: 0.8 }, label: { show: false } });

  const legendTop = height - 64 - image.legend.length * 22;
  const legend = image.legend.flatMap((entry, i) => [
    { type: 'rect', left: 24, top: legendTop + i * 22, shape: { width: 18, height: 13 }, style: { fill: entry.color } },
    { type: 'text', left: 50, top: legendTop + i * 22, style: { text: entry.label, fill: TEXT, fontSize: 13, fontFamily: FONT_FAMILY } },
  ]);

  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: title(image.title),
    graphic: [...legend, ...footer([t.caption, MESSAGES[lang].source], 10, lang)],
    series: [{
      type: 'map',
      map: 'china',
      silent: true,
      // Room for the title above and the footer below; ECharts keeps the map's aspect ratio.
      top: 58, bottom: 48, left: 12, right: 12,
      selectedMode: false,
      label: { formatter: (p: { name: string }) => labels.get(p.name) ?? '', textBorderColor: '#ffffff', textBorderWidth: 2 },
      itemStyle: { areaColor: '#ffffff', borderColor: '#ffffff' },
      data,
    }],
  };
}

export function barOption(image: CardImage, lang: Lang) {
  const t = PICTURE_TEXT[lang];
  const tiers = report.tiers;
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: title(image.title),
    grid: { left: 64, right: 32, top: 84, bottom: 72 },
    xAxis: { type: 'category', data: tiers.map((x) => x[lang]), axisLabel: { fontSize: 15, color: TEXT }, axisTick: { show: false } },
    yAxis: {
      type: 'value', minInterval: 1, name: t.regions, nameTextStyle: { fontSize: 13, color: MUTED, align: 'left' },
      axisLabel: { fontSize: 13, color: MUTED }, splitLine: { lineStyle: { color: '#e6e6e6' } },
    },
    series: [{
      type: 'bar', barWidth: '52%', silent: true,
      label: { show: true, position: 'top', fontSize: 18, fontWeight: 'bold', color: TEXT },
      data: tiers.map((x) => ({ value: x.members.length, itemStyle: { color: TIER_COLORS[x.id] } })),
    }],
    graphic: footer([MESSAGES[lang].source], 12, lang),
  };
}

/** Every string a picture can draw besides the card's own title and legend (for the font subset). */
export function fixedPictureTexts(lang: Lang): string[] {
  const t = PICTURE_TEXT[lang];
  return [
    t.caption, t.islands, t.regions, MESSAGES[lang].source,
    ...report.regions.map((r) => (lang === 'zh' ? r.zh : shortEnglishName(r))),
    ...Object.values(NOT_COVERED).map((n) => n[lang]),
    ...report.tiers.map((x) => x[lang]),
  ];
}
