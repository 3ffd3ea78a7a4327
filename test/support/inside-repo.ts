/**
 * Every test must pass in a clone of the repository alone (CI clones it into a folder of its own).
 * This setup file watches the test process's file reads and fails the test file that read a file
 * outside the repository, so a read of a sibling folder (the shared folder beside a CI clone) is caught here, where the
 * folder happens to exist, and not first in someone's fresh clone. Allowed outside: the project's
 * temporary files (isProjectTemp), the kernel's /proc, /sys and /dev, and the files the environment
 * names on purpose (the optional article and glossary: test/support/sources.ts).
 * Processes a test starts are not watched; what they run is the same src/ the tests import.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';
import { SOURCE_ENV } from './sources.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const within = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

const TEMP = [...new Set([tmpdir(), fs.realpathSync(tmpdir())])];
const KERNEL = ['/proc', '/sys', '/dev'];
const PARENT = dirname(ROOT);

/**
 * The project's own temporary files: tmpdir()/iiot-…, what the tests and the bot create (a clone's
 * parent folder may itself be under the temporary directory, so that alone is not enough). Never a
 * sibling of the repository such as ../shared, unless the repository sits in the temporary directory
 * itself and the sibling is named iiot-….
 */
function isProjectTemp(path: string): boolean {
  const temp = TEMP.find((dir) => within(dir, path));
  if (!temp || !relative(temp, path).startsWith('iiot-')) return false;
  return !within(PARENT, path) || TEMP.includes(PARENT);
}

export function isOutsideRepo(path: string): boolean {
  const named = Object.values(SOURCE_ENV).map((name) => process.env[name]).filter((p): p is string => !!p).map((p) => resolve(p));
  return !within(ROOT, path) && !KERNEL.some((dir) => within(dir, path)) && !isProjectTemp(path) && !named.includes(path);
}

/** Files outside the repository read in this test file; a test that reads one on purpose takes it back with takeOutsideReads(). */
const outside = new Set<string>();
export function takeOutsideReads(): string[] {
  const paths = [...outside];
  outside.clear();
  return paths;
}

function pathOf(target: unknown): string | undefined {
  if (typeof target === 'string') return resolve(target);
  if (target instanceof URL) return target.protocol === 'file:' ? fileURLToPath(target) : undefined;
  if (Buffer.isBuffer(target)) return resolve(target.toString());
  return undefined; // a file descriptor: its opening was the read to check
}

function watch<T extends object, K extends keyof T>(owner: T, name: K): void {
  const original = owner[name] as (...args: unknown[]) => unknown;
  owner[name] = function (this: unknown, target: unknown, ...rest: unknown[]) {
    const path = pathOf(target);
    if (path && isOutsideRepo(path)) outside.add(path.split(sep).join('/'));
    return original.call(this, target, ...rest);
  } as T[K];
}

for (const name of ['readFileSync', 'readFile', 'createReadStream', 'openSync', 'open', 'opendirSync', 'readdirSync', 'readdir'] as const) watch(fs, name);
for (const name of ['readFile', 'open', 'readdir', 'opendir'] as const) watch(fs.promises, name);
// `import { readFileSync } from 'node:fs'` binds to the ES module's copy of each function: update it.
syncBuiltinESMExports();

afterAll(() => {
  expect(takeOutsideReads(), 'files read outside the repository: a fresh clone does not have them').toEqual([]);
});
