import { z } from 'zod';
import { groupings, report } from './data.js';
import type { Lang } from './types.js';

/**
 * The shapes of data/report.json and data/groupings.json, and the cross-checks between them. The build
 * checks the shipped files with them (src/bin/build.mjs), and so does test/core/dataset.test.ts: a bad
 * edit to data/ fails `npm run build` (which `npm start` runs) and `npm test`, not a running bot.
 */

const bilingual = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/);

const regionSchema = z.object({
  id,
  adcode: z.number().int().min(110000).max(659999),
  zh: z.string().min(2),
  long: z.string().min(2),
  short: z.string().length(1),
  en: z.string().min(2),
  pinyin: z.string().regex(/^[a-z]+$/),
  aliases: z.array(z.string().min(2)),
  cities: z.array(bilingual),
}).strict();

/**
 * Who states a fact, as its sentence in the article does: the report (《报告》显示, 中称), the reporter's own
 * count (记者梳理发现), a person quoted (an id of `people`), or the article itself, where the sentence names
 * no source (then the card must not say the report states it).
 */
const speaker = z.union([z.literal('report'), z.literal('reporter'), z.literal('article'), id]);
const saidSchema = z.object({ by: speaker, sentence: z.string().min(4) }).strict();

const tierSchema = z.object({
  id,
  zh: z.string().min(2),
  en: z.string().min(2),
  members: z.array(id).min(1),
  said: saidSchema,
  traits: bilingual,
  note: bilingual.optional(),
}).strict();

const pathSchema = z.object({
  id,
  zh: z.string().min(2),
  en: z.string().min(2),
  named: z.array(z.object({ region: id, city: bilingual.optional() }).strict()).min(1),
  said: saidSchema,
  /** The places the suggestion is for, as the article words them: examples (以…为代表, …等地), not a list. */
  examples: bilingual,
  /** How firmly: the article's own words (可以走…的路径), a suggestion. */
  proposal: bilingual,
  profile: bilingual,
  approach: bilingual,
}).strict();

const metricSchema = z.object({
  id,
  by: speaker,
  label: bilingual,
  value: bilingual,
  numbers: z.array(z.string().min(1)),
  quote: z.string().min(4),
  en: z.string().min(4),
  keywords: z.object({ zh: z.array(z.string()), en: z.array(z.string()) }).strict(),
}).strict();

const reportSchema = z.object({
  report: z.object({ title: bilingual, released: z.string(), event: bilingual, coverage: bilingual }).strict(),
  source: z.object({
    headline: z.string(), publisher: bilingual, via: bilingual, date: z.string(),
    reporter: bilingual, intern: bilingual, editor: bilingual,
    /** Where the article was filed from (武汉报道): not, as far as the article says, the conference's venue. */
    dateline: bilingual,
  }).strict(),
  /** Who describes the tiers as a whole, and who suggests the paths. */
  statements: z.object({ tiers: saidSchema, paths: saidSchema }).strict(),
  indicatorCount: z.number().int().positive(),
  dimensions: z.array(z.object({ id, zh: z.string(), en: z.string() }).strict()),
  regions: z.array(regionSchema),
  tiers: z.array(tierSchema),
  paths: z.array(pathSchema),
  metrics: z.array(metricSchema),
  people: z.array(z.object({
    id, zh: z.string(), en: z.string(), role: bilingual, quotes: z.array(bilingual),
  }).strict()),
}).strict().superRefine((r, ctx) => {
  const regionIds = new Set(r.regions.map((x) => x.id));
  const seen = new Map<string, string>();
  for (const tier of r.tiers) {
    for (const m of tier.members) {
      if (!regionIds.has(m)) ctx.addIssue({ code: 'custom', message: `tier ${tier.id}: unknown region ${m}` });
      if (seen.has(m)) ctx.addIssue({ code: 'custom', message: `${m} is in tiers ${seen.get(m)} and ${tier.id}` });
      seen.set(m, tier.id);
    }
  }
  for (const region of regionIds) if (!seen.has(region)) ctx.addIssue({ code: 'custom', message: `${region} is in no tier` });
  for (const path of r.paths) {
    for (const n of path.named) if (!regionIds.has(n.region)) ctx.addIssue({ code: 'custom', message: `path ${path.id}: unknown region ${n.region}` });
  }
  const speakers = new Set(['report', 'reporter', 'article', ...r.people.map((p) => p.id)]);
  const said = [r.statements.tiers, r.statements.paths, ...r.tiers.map((t) => t.said), ...r.paths.map((p) => p.said), ...r.metrics];
  for (const s of said) if (!speakers.has(s.by)) ctx.addIssue({ code: 'custom', message: `unknown speaker ${s.by}` });
});

export type Report = z.infer<typeof reportSchema>;
export type Region = Report['regions'][number];
export type Tier = Report['tiers'][number];
export type Path = Report['paths'][number];
export type Metric = Report['metrics'][number];
export type Person = Report['people'][number];
export type Bilingual = Record<Lang, string>;

export function parseReport(json: unknown): Report {
  return reportSchema.parse(json);
}

/** A regional grouping (长三角 …): general knowledge, not the article's, naming only the report's regions. */
const groupingSchema = z.object({
  id,
  zh: z.string().min(2),
  en: z.string().min(2),
  /** Other ways of naming it: Chinese, English, pinyin (traditional Chinese is folded by normalisation). */
  names: z.array(z.string().min(2)),
  members: z.array(id).min(1),
  /** Places in the grouping that the report does not cover (香港, 澳门 in the Greater Bay Area). */
  outside: z.array(bilingual).optional(),
  /** Which definition is used, where it is fuzzy or the grouping is part of a province. */
  definition: bilingual.optional(),
}).strict();

const groupingsSchema = z.object({ provenance: bilingual, groupings: z.array(groupingSchema).min(1) }).strict();

export type Grouping = z.infer<typeof groupingSchema>;
export type Groupings = z.infer<typeof groupingsSchema>;

export function parseGroupings(json: unknown, regions: readonly { id: string }[] = report.regions): Groupings {
  return groupingsSchema.superRefine((g, ctx) => {
    const regionIds = new Set(regions.map((r) => r.id));
    const ids = new Set<string>();
    for (const grouping of g.groupings) {
      if (regionIds.has(grouping.id) || ids.has(grouping.id)) ctx.addIssue({ code: 'custom', message: `grouping id ${grouping.id} is taken` });
      ids.add(grouping.id);
      for (const m of grouping.members) if (!regionIds.has(m)) ctx.addIssue({ code: 'custom', message: `grouping ${grouping.id}: unknown region ${m}` });
      if (new Set(grouping.members).size !== grouping.members.length) ctx.addIssue({ code: 'custom', message: `grouping ${grouping.id}: a region twice` });
    }
  }).parse(json);
}

/** The shipped files, as data.ts read them, against the schemas: throws naming the first problem. */
export function checkShippedData(): void {
  parseReport(report);
  parseGroupings(groupings);
}
