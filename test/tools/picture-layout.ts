/**
 * Builds data/pictures/layout.json: where everything on a picture goes, laid out by ECharts (server-side
 * SVG) from data/map/china.json and the tiers' member counts. The bot fills in colours and words at run
 * time (src/pictures/svg.ts) and never loads ECharts. Run `node --import tsx test/tools/picture-layout.ts`
 * after changing the map, the tiers' sizes or the layout here; test/pictures/layout.test.ts fails while
 * the file is out of date, and checks that the bot's drawing has the pixels of ECharts' own.
 *
 * mapOption and barOption are the ECharts descriptions of the pictures, words and colours included:
 * the reference those tests compare the bot's drawing with, and the projection test/support/png.ts
 * reads geographic points with.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { report, shortEnglishName, tierOf } from '../../src/core/data.js';
import { MESSAGES } from '../../src/core/i18n.js';
import { NOT_COVERED_COLOR, PICTURE_TEXT, TIER_COLORS } from '../../src/core/pictures.js';
import type { CardImage, Lang } from '../../src/core/types.js';
import { ISLANDS_ADCODE, LAYOUT_FILE, type MapRegion, type PictureLayout, type Point } from '../../src/pictures/layout.js';
import { fade, FONT_FAMILY, NOT_COVERED, NOTE_TOP, noteLines, wrap } from '../../src/pictures/svg.js';

const echarts = createRequire(import.meta.url)('echarts') as typeof import('echarts');

/** ECharts 4.9's `china` map (Apache-2.0, data/map/LICENSE). The name `china` adds the South China Sea inset. */
interface ChinaMap { type: string; features: { id: string; properties: { name: string; cp: [number, number] }; geometry: unknown }[] }
export const chinaMap: ChinaMap = JSON.parse(readFileSync(new URL('../../data/map/china.json', import.meta.url), 'utf8'));
echarts.registerMap('china', chinaMap as unknown as Parameters<typeof echarts.registerMap>[1]);

/** ECharts adds the inset under this name when the map is registered as `china`. */
const ISLANDS = '南海诸岛';

export const SIZES = { map: { width: 900, height: 760 }, 'tier-bars': { width: 900, height: 520 } } as const;

/** Labels of the smallest regions, moved off their neighbours (logical px). */
const LABEL_OFFSETS: Record<string, [number, number]> = {
  beijing: [-6, -10],
  tianjin: [22, 6],
  shanghai: [30, 2],
  ningxia: [0, 4],
  // Hong Kong and Macao are a few pixels across: their labels sit in the sea south of the Pearl River
  // mouth, each joined to its region by a line (LEADERS).
  810000: [16, 13],
  820000: [4, 16],
};
const LEADERS = new Set([810000, 820000]);

/** The adcode → feature name lookup; every region of data/ must have a feature (tested). */
export const featureNames = (): Map<number, string> => new Map(chinaMap.features.map((f) => [Number(f.id), f.properties.name]));

const TEXT = '#1f1f1f';
const MUTED = '#6b6b6b';
const FOOTER_CHARS = { zh: 76, en: 140 } as const;

const footer = (texts: string[], bottom: number, lang: Lang) => texts.flatMap((t) => wrap(t, FOOTER_CHARS[lang])).reverse().map((text, i) => ({
  type: 'text', left: 24, bottom: bottom + i * 16,
  style: { text, fill: MUTED, fontSize: 11, fontFamily: FONT_FAMILY },
}));

const title = (text: string) => ({
  text, left: 24, top: 16, textStyle: { fontSize: 22, fontWeight: 'bold', color: TEXT, fontFamily: FONT_FAMILY },
});

/** The map as ECharts draws it; `labelText` replaces the labels' words (the layout marks them with adcodes). */
export function mapOption(image: CardImage, lang: Lang, labelText?: (adcode: number) => string) {
  const t = PICTURE_TEXT[lang];
  const highlight = image.picture.kind === 'map' && image.picture.highlight ? new Set(image.picture.highlight) : undefined;
  const names = featureNames();
  const labels = new Map<string, string>();
  const data: object[] = [];
  const label = (key: string | number, on: boolean) => ({
    show: true, color: on ? TEXT : MUTED, fontSize: lang === 'zh' ? 12 : 10, fontWeight: on && highlight ? 'bold' : 'normal',
    ...(LABEL_OFFSETS[key] ? { offset: LABEL_OFFSETS[key] } : {}),
  });
  for (const r of report.regions) {
    const name = names.get(r.adcode)!;
    const on = !highlight || highlight.has(r.id);
    const color = TIER_COLORS[tierOf.get(r.id)!.id];
    labels.set(name, labelText?.(r.adcode) ?? (lang === 'zh' ? r.zh : shortEnglishName(r)));
    data.push({
      name,
      itemStyle: on && highlight
        ? { areaColor: color, borderColor: '#202020', borderWidth: 1.6 }
        : { areaColor: on ? color : fade(color), borderColor: '#ffffff', borderWidth: 0.8 },
      label: label(r.id, on),
    });
  }
  for (const [adcode, name] of Object.entries(NOT_COVERED)) {
    const feature = names.get(Number(adcode))!;
    labels.set(feature, labelText?.(Number(adcode)) ?? name[lang]);
    data.push({ name: feature, itemStyle: { areaColor: NOT_COVERED_COLOR, borderColor: NOT_COVERED_COLOR, borderWidth: 1 }, label: label(adcode, false) });
  }
  data.push({ name: ISLANDS, itemStyle: { areaColor: '#ffffff', borderColor: '#9a9a9a', borderWidth: 0.8 }, label: { show: false } });

  const { height } = SIZES.map;
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
    graphic: [
      ...legend,
      ...footer([t.caption, MESSAGES[lang].source], 10, lang),
      ...noteLines(image.note, lang).map((text, i) => ({ type: 'text', left: 29, top: NOTE_TOP + i * 16, style: { text, fill: MUTED, fontSize: 12, fontFamily: FONT_FAMILY } })),
    ],
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

type Chart = ReturnType<typeof echarts.init>;

/** Runs `use` on a chart of the picture's kind set to `option` (disposed after: it keeps timers). */
export function withChart<T>(kind: keyof typeof SIZES, option: object, use: (chart: Chart) => T): T {
  type Option = Parameters<Chart['setOption']>[0];
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...SIZES[kind] });
  try {
    chart.setOption(option as Option);
    return use(chart);
  } finally {
    chart.dispose();
  }
}

/** The picture as ECharts itself draws it: the reference for the bot's drawing. */
export function echartsSvg(image: CardImage, lang: Lang): string {
  const kind = image.picture.kind;
  return withChart(kind, kind === 'map' ? mapOption(image, lang) : barOption(image, lang), (chart) => chart.renderToSVGString());
}

const num = (s: string) => Number(s);
const translate = (attrs: string): Point => {
  const m = /transform="translate\(([-\d.]+) ([-\d.]+)\)"/.exec(attrs);
  if (!m) throw new Error(`no translate in ${attrs}`);
  return [num(m[1]), num(m[2])];
};
const round = (v: number) => Math.round(v * 10) / 10;

function mapLayout(): PictureLayout['map'] {
  // A neutral picture whose labels are their adcodes: paths are matched to regions by ECharts' data
  // index, labels by their words.
  const image: CardImage = { picture: { kind: 'map' }, title: '', alt: '', legend: [] };
  const option = mapOption(image, 'zh', (adcode) => `@${adcode}`);
  const order = option.series[0].data.map((d) => (d as { name: string }).name);
  const adcodeOf = new Map([...featureNames()].map(([adcode, name]) => [name, adcode]));
  return withChart('map', option, (chart) => {
    const svg = chart.renderToSVGString();
    const labels = new Map([...svg.matchAll(/<text ([^>]*stroke="#ffffff"[^>]*)>@(\d+)<\/text>/g)].map((m) => [num(m[2]), translate(m[1])]));
    const regions: MapRegion[] = [...svg.matchAll(/<path d="([^"]+)"[^>]*ecmeta_data_index="(\d+)"/g)].map((m) => {
      const name = order[num(m[2])];
      const adcode = name === ISLANDS ? ISLANDS_ADCODE : adcodeOf.get(name)!;
      const region: MapRegion = { adcode, d: m[1] };
      const at = labels.get(adcode);
      if (at) region.label = at;
      if (at && LEADERS.has(adcode)) {
        // From the region's own point (its capital in the map's data) to just above the label's words.
        const cp = chinaMap.features.find((f) => Number(f.id) === adcode)!.properties.cp;
        const [x0, y0] = chart.convertToPixel({ seriesIndex: 0 }, cp) as number[];
        const top = at[1] - 8;
        const x1 = x0 + ((at[0] - x0) * (top - y0)) / (at[1] - y0);
        region.leader = [[round(x0), round(y0)], [round(x1), round(top)]];
      }
      return region;
    });
    return { ...SIZES.map, regions };
  });
}

function barsLayout(): PictureLayout['bars'] {
  const image: CardImage = { picture: { kind: 'tier-bars' }, title: '', alt: '', legend: [] };
  return withChart('tier-bars', barOption(image, 'zh'), (chart) => {
    const svg = chart.renderToSVGString();
    const texts = [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map((m) => ({ attrs: m[1], text: m[2], at: translate(m[1]) }));
    const bars = [...svg.matchAll(/<path d="([^"]+)"[^>]*ecmeta_data_index="(\d+)"/g)].map((m) => ({ d: m[1], index: num(m[2]) }));
    const names = texts.filter((x) => x.attrs.includes('font-size:15px'));
    const values = texts.filter((x) => x.attrs.includes('font-size:18px'));
    return {
      ...SIZES['tier-bars'],
      gridLines: [...svg.matchAll(/<path d="([^"]+)"[^>]*stroke="#e6e6e6"/g)].map((m) => m[1]),
      axisLine: /<path d="([^"]+)"[^>]*stroke="#54555a"/.exec(svg)![1],
      yTicks: texts.filter((x) => x.attrs.includes('text-anchor="end"')).map((x) => ({ text: x.text, at: x.at })),
      yName: texts.find((x) => x.text === PICTURE_TEXT.zh.regions)!.at,
      bars: bars.map((b) => ({
        tierId: report.tiers[b.index].id, d: b.d,
        value: values[b.index].text, valueAt: values[b.index].at, nameAt: names[b.index].at,
      })),
    };
  });
}

export function buildLayout(): PictureLayout {
  return {
    madeBy: `test/tools/picture-layout.ts with ECharts ${echarts.version} from data/map/china.json and data/report.json; do not edit`,
    map: mapLayout(),
    bars: barsLayout(),
  };
}

/** One region or bar per line, so a change shows in a diff as the regions it moved. */
export function layoutJson(l: PictureLayout): string {
  const lines = (items: unknown[]) => `[\n${items.map((x) => `      ${JSON.stringify(x)}`).join(',\n')}\n    ]`;
  const { regions, ...map } = l.map;
  const { bars, ...rest } = l.bars;
  const body = JSON.stringify({ madeBy: l.madeBy, map: { ...map, regions: '@regions' }, bars: { ...rest, bars: '@bars' } }, null, 2);
  return `${body.replace('"@regions"', lines(regions)).replace('"@bars"', lines(bars))}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(LAYOUT_FILE, layoutJson(buildLayout()));
  console.log(`wrote ${LAYOUT_FILE.pathname}`);
}
