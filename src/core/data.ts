import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Lang } from './types.js';

/** The report as data: validated once at load, so a bad edit to data/ fails loudly at start-up. */

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
 * Who states a fact, and the article's sentence that says so (checked verbatim against the article):
 * the report itself, the reporter's own count, or a person quoted (an id of `people`).
 */
const speaker = z.union([z.literal('report'), z.literal('reporter'), id]);
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
  const speakers = new Set(['report', 'reporter', ...r.people.map((p) => p.id)]);
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

const DATA_FILE = new URL('../../data/report.json', import.meta.url);

export const report: Report = parseReport(JSON.parse(readFileSync(DATA_FILE, 'utf8')));

export const regionById = new Map(report.regions.map((r) => [r.id, r]));
export const tierById = new Map(report.tiers.map((t) => [t.id, t]));
export const pathById = new Map(report.paths.map((p) => [p.id, p]));
export const metricById = new Map(report.metrics.map((m) => [m.id, m]));
export const personById = new Map(report.people.map((p) => [p.id, p]));

/** A region's English name without its alternative in brackets: `Tibet (Xizang)` → `Tibet`. */
export const shortEnglishName = (r: Region): string => r.en.replace(/\s*\(.*\)$/, '');

/** The tier a region belongs to (every region has exactly one: checked above). */
export const tierOf = new Map(report.tiers.flatMap((t) => t.members.map((m) => [m, t] as const)));

/** The paths Hu Jianbo suggests with a region among his examples, with the city it was named through (Shenzhen → Guangdong). */
export function pathsNamedFor(regionId: string): { path: Path; city?: Bilingual }[] {
  return report.paths.flatMap((path) =>
    path.named.filter((n) => n.region === regionId).map((n) => ({ path, city: n.city })),
  );
}

/**
 * Regional groupings people ask about (长三角, 京津冀, 西部 …). Their membership is general knowledge,
 * not from the article: it lives in its own file, says so (`provenance`), and names only the report's regions.
 */
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

const GROUPINGS_FILE = new URL('../../data/groupings.json', import.meta.url);

export const groupings: Groupings = parseGroupings(JSON.parse(readFileSync(GROUPINGS_FILE, 'utf8')));
export const groupingById = new Map(groupings.groupings.map((g) => [g.id, g]));
