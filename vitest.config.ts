import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: PGlite instances are CPU- and memory-heavy; keep a few files at once.
    maxWorkers: 3,
    reporters: ['default'],
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
