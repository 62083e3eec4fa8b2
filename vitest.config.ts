import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The franchises directory of the whole run: a fresh empty temp directory, so that no test
// reads or writes the real default (/var/lib/kgc-support/franchises when run as root) and
// the CLI processes tests spawn inherit it. Tests that install franchises use their own.
const franchisesDir = mkdtempSync(join(tmpdir(), 'kgc-test-franchises-'));
process.env.KGC_SUPPORT_FRANCHISES_DIR = franchisesDir;

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
    env: { KGC_SUPPORT_FRANCHISES_DIR: franchisesDir },
  },
});
