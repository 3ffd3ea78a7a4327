/**
 * The guard of test/support/inside-repo.ts (a setup file of every test file) sees reads outside the
 * repository, whichever way a test makes them, and lets through the ones a fresh clone has.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { takeOutsideReads } from './support/inside-repo.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// A sibling of the repository, as the shared folder beside a CI clone is: it need not exist for the read to count.
const SIBLING = join(ROOT, '..', 'shared-iiot-guard-probe', 'seed.txt');

const attempt = (read: () => unknown) => { try { read(); } catch { /* ENOENT: the attempt is what counts */ } };

describe('reads outside the repository', () => {
  afterEach(() => { takeOutsideReads(); });

  it('are seen through node:fs, node:fs/promises and file: URLs', async () => {
    attempt(() => readFileSync(SIBLING, 'utf8'));
    expect(takeOutsideReads()).toEqual([SIBLING]);
    attempt(() => readFileSync(new URL(`file://${SIBLING}`)));
    expect(takeOutsideReads()).toEqual([SIBLING]);
    await readFile(SIBLING).catch(() => undefined);
    expect(takeOutsideReads()).toEqual([SIBLING]);
  });

  it('include the temporary directory\'s files that are not the project\'s', () => {
    attempt(() => readFileSync(join(tmpdir(), 'shared', 'seed.txt')));
    expect(takeOutsideReads()).toEqual([join(tmpdir(), 'shared', 'seed.txt')]);
  });

  it('do not include the repository, the project\'s temporary files or the kernel files', () => {
    readFileSync(join(ROOT, 'package.json'));
    attempt(() => readFileSync(join(tmpdir(), 'iiot-no-such-file')));
    readFileSync('/proc/self/stat');
    expect(takeOutsideReads()).toEqual([]);
  });

  it('include a file named by IIOT_SEED_ARTICLE only while the variable names it', () => {
    const saved = process.env.IIOT_SEED_ARTICLE;
    try {
      process.env.IIOT_SEED_ARTICLE = SIBLING;
      attempt(() => readFileSync(SIBLING));
      expect(takeOutsideReads()).toEqual([]);
      delete process.env.IIOT_SEED_ARTICLE;
      attempt(() => readFileSync(SIBLING));
      expect(takeOutsideReads()).toEqual([SIBLING]);
    } finally {
      if (saved === undefined) delete process.env.IIOT_SEED_ARTICLE; else process.env.IIOT_SEED_ARTICLE = saved;
    }
  });
});
