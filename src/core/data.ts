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

const tierSchema = z.object({
  id,
  zh: z.string().min(2),
  en: z.string().min(2),
  members: z.array(id).min(1),
  traits: bilingual,
  note: bilingual.optional(),
}).strict();

const pathSchema = z.object({
  id,
  zh: z.string().min(2),
  en: z.string().min(2),
  named: z.array(z.object({ region: id, city: bilingual.optional() }).strict()).min(1),
  profile: bilingual,
  approach: bilingual,
}).strict();

const metricSchema = z.object({
  id,
  label: bilingual,
  value: bilingual,
  numbers: z.array(z.string().min(1)),
  quote: z.string().min(4),
  en: z.string().min(4),
  keywords: z.object({ zh: z.array(z.string()), en: z.array(z.string()) }).strict(),
}).strict();

const reportSchema = z.object({
  report: z.object({ title: bilingual, released: z.string(), event: bilingual, city: bilingual, coverage: bilingual }).strict(),
  source: z.object({
    headline: z.string(), publisher: bilingual, via: bilingual, date: z.string(),
    reporter: bilingual, intern: bilingual, editor: bilingual,
  }).strict(),
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
});

export type Report = z.infer<typeof reportSchema>;
export type Region = Report['regions'][number];
export type Tier = Report['tiers'][number];
export type Path = Report['paths'][number];
export type Metric = Report['metrics'][number];
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

/** A region's English name without its alternative in brackets: `Tibet (Xizang)` → `Tibet`. */
export const shortEnglishName = (r: Region): string => r.en.replace(/\s*\(.*\)$/, '');

/** The tier a region belongs to (every region has exactly one: checked above). */
export const tierOf = new Map(report.tiers.flatMap((t) => t.members.map((m) => [m, t] as const)));

/** The paths the report names for a region, with the city it was named through (Shenzhen → Guangdong). */
export function pathsNamedFor(regionId: string): { path: Path; city?: Bilingual }[] {
  return report.paths.flatMap((path) =>
    path.named.filter((n) => n.region === regionId).map((n) => ({ path, city: n.city })),
  );
}
