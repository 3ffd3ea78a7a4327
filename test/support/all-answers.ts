import { COMMANDS } from '../../src/core/commands.js';
import { groupings, report } from '../../src/core/data.js';
import { handle, overview } from '../../src/core/handle.js';
import type { Answer, Lang } from '../../src/core/types.js';

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
  ];
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
