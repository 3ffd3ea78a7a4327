import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Lives in test/ because the repository's top level is fixed; `npm test` points vitest here.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    // Installs redis-server where it is missing and possible (as .ci/run does), or stops with one line.
    globalSetup: ['test/support/redis-setup.ts'],
    // Fails a test file that reads a file outside the repository: every test must pass in a clone alone.
    setupFiles: ['test/support/inside-repo.ts'],
    // Suites that start processes or run property tests wait on a shared, loaded CI machine; nothing
    // asserts time, so a generous limit only bounds a real hang.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
