import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Generous: the machine CI runs on may be several times slower than a laptop; every wait
    // inside a test has its own, tighter bound and a message naming what it waited for.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: PGlite instances are CPU- and memory-heavy; keep a few files at once.
    maxWorkers: 3,
    reporters: ['default'],
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
