/**
 * The texts data/ was written from live outside the repository: the source article and the project's
 * glossary of ids and names. Neither is copied in. Where they are at hand (CI: `.ci/run` sets these
 * variables when the shared folder is beside the clone), the dataset is checked against them; elsewhere
 * those checks are skipped, said in one line, and every other test runs.
 */
import { readFileSync } from 'node:fs';

export const SOURCE_ENV = { article: 'IIOT_SEED_ARTICLE', glossary: 'IIOT_GLOSSARY' } as const;

/** The text of the file the variable names, or undefined when it is unset; a path that does not exist fails loudly. */
export function sourceText(which: keyof typeof SOURCE_ENV): string | undefined {
  const path = process.env[SOURCE_ENV[which]];
  return path ? readFileSync(path, 'utf8') : undefined;
}
