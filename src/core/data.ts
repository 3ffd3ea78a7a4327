import { readFileSync } from 'node:fs';
import type { Bilingual, Groupings, Path, Region, Report } from './data-schema.js';

export type { Bilingual, Grouping, Groupings, Metric, Path, Person, Region, Report, Tier } from './data-schema.js';

/**
 * The report as data, read as it is: the build and the tests check the files against the schemas in
 * data-schema.ts (parsing them here cost start-up some 80 ms, for files that do not change at run time).
 */
const DATA_FILE = new URL('../../data/report.json', import.meta.url);

export const report: Report = JSON.parse(readFileSync(DATA_FILE, 'utf8'));

export const regionById = new Map(report.regions.map((r) => [r.id, r]));
export const tierById = new Map(report.tiers.map((t) => [t.id, t]));
export const pathById = new Map(report.paths.map((p) => [p.id, p]));
export const metricById = new Map(report.metrics.map((m) => [m.id, m]));
export const personById = new Map(report.people.map((p) => [p.id, p]));

/** A region's English name without its alternative in brackets: `Tibet (Xizang)` → `Tibet`. */
export const shortEnglishName = (r: Region): string => r.en.replace(/\s*\(.*\)$/, '');

/** The tier a region belongs to (every region has exactly one: checked by data-schema.ts). */
export const tierOf = new Map(report.tiers.flatMap((t) => t.members.map((m) => [m, t] as const)));

export type NamedPath = { path: Path; city?: Bilingual };

/** For each region, the paths Hu Jianbo suggests with it among his examples, in the report's order. */
const namedPaths = new Map<string, NamedPath[]>();
for (const path of report.paths) {
  for (const n of path.named) {
    const list = namedPaths.get(n.region) ?? [];
    list.push({ path, city: n.city });
    namedPaths.set(n.region, list);
  }
}

/** The paths Hu Jianbo suggests with a region among his examples, with the city it was named through (Shenzhen → Guangdong). */
export const pathsNamedFor = (regionId: string): readonly NamedPath[] => namedPaths.get(regionId) ?? [];

/**
 * Regional groupings people ask about (长三角, 京津冀, 西部 …). Their membership is general knowledge,
 * not from the article: it lives in its own file, says so (`provenance`), and names only the report's regions.
 */
const GROUPINGS_FILE = new URL('../../data/groupings.json', import.meta.url);

export const groupings: Groupings = JSON.parse(readFileSync(GROUPINGS_FILE, 'utf8'));
export const groupingById = new Map(groupings.groupings.map((g) => [g.id, g]));
