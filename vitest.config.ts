import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Installs redis-server where it is missing and possible (as .ci/run does), or stops with one line.
    globalSetup: ['test/support/redis-setup.ts'],
  },
});
