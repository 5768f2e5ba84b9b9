import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One temp directory per run, removed at its end; a test that leaves files behind fails it.
    globalSetup: ['test/helpers/run-tmp.ts'],
  },
});
