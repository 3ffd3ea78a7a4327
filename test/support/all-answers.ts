import { COMMANDS } from '../../src/core/commands.js';
import { groupings, report } from '../../src/core/data.js';
import { handle, overview } from '../../src/core/handle.js';
import type { Answer, Lang } from '../../src/core/types.js';
import { renderText } from '../../src/render/text.js';

/** Every question that produces a distinct kind of card, for the renderers' limit tests. */
export function allQuestions(): string[] {
  return [
    ...report.regions.map((r) => `region ${r.id}`),
    ...report.regions.map((r) => `path ${r.id}`),
    ...report.regions.flatMap((r) => r.cities.map((c) => c.zh)),
    ...report.tiers.map((t) => `tier ${t.id}`),
    'tier all',
    ...report.paths.map((p) => `path ${p.id}`),
    'path all',
    'metrics',
    ...report.metrics.map((m) => `metrics ${m.id}`),
    '5g',
    'compare all',
    `compare ${report.regions.map((r) => r.id).join(' ')}`,
    'compare beijing shanghai',
    // More than six regions: grouped by tier.
    'compare beijing tianjin hebei shanxi inner-mongolia liaoning jilin',
    ...groupings.groupings.map((g) => `group ${g.id}`),
    'group all',
    'group yangtze-river-delta hubei',
    'group jing-jin-ji yangtze-river-delta',
    'group west beijing',
    'Inner Mongoila',
    'compare',
    'help',
    'about',
    'shanxi',
    'compare shanxi hubei',
    '香港',
    'Hong Kong Macau Taiwan',
    'xyzzy qwerty',
    '湖',
    '<!channel> <at id=all></at> *bold* <b>html</b> & more',
    'x'.repeat(40_000),
    '',
    // What the article says only in part: people, a ranking, a region's own figure, the publisher, indicators.
    ...report.people.map((p) => `person ${p.id}`),
    'who is the secretary-general', '胡坚波是谁', '工信部的局长', '哪个省排名第一', 'which province ranks first', '北京的发展指数是多少',
    'what is Hubei\'s score', '示范引领里谁排第一', '北京和上海谁更强', 'who published the report', '谁发布的报告',
    '占比超过70%的是哪些指标', '标识解析二级节点', 'identifier resolution', '基础设施建设指数', '5G+工业互联网在建项目有多少',
  ];
}

/** The words of every Chinese card (what test/tools/hant-phrases.ts collects the phrases of). */
export function chineseCardTexts(): string[] {
  return allAnswers().filter((a) => a.lang === 'zh').flatMap((a) => [renderText(a.card), ...a.card.actions.map((x) => x.label), a.card.image?.alt ?? '']);
}

/** Every card the bot can produce, in both languages, plus the App Home overviews. */
export function allAnswers(): Answer[] {
  const langs: Lang[] = ['zh', 'en'];
  return langs.flatMap((lang) => [
    ...allQuestions().map((text) => handle({ text, platform: 'cli', lang })),
    ...COMMANDS.flatMap((c) => c.examples[lang].map((text) => handle({ text, platform: 'cli' }))),
    overview(lang),
  ]);
}
