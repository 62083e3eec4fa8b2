/**
 * A store for one test file, on either engine: an in-memory PGlite (started from the
 * suite's migrated image, see pglite-image.ts), or a fresh PostgreSQL database cloned
 * from the migrated template (pg.ts). Both run the real migration step.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import type { Config } from '../../src/config/settings.js';
import { cryptoRandom, systemClock, type Clock } from '../../src/context/clock.js';
import type { Ctx } from '../../src/context/context.js';
import { silentLogger } from '../../src/context/logger.js';
import { openStore, type Store } from '../../src/store/open.js';
import { createDatabase } from './pg.js';
import { pgliteImage } from './pglite-image.js';

export type StoreKind = 'pglite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['pglite', 'postgres'];

export interface TestStore {
  kind: StoreKind;
  config: Config;
  store: Store;
  ctx: Ctx;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestStoreOptions {
  env?: Record<string, string>;
  clock?: Clock;
  actor?: string;
}

export async function createTestStore(
  kind: StoreKind,
  opts: TestStoreOptions = {},
): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kgc-test-'));
  const db = kind === 'postgres' ? await createDatabase('kgc_t', { migrated: true }) : undefined;
  const config = loadConfig({
    KGC_SUPPORT_DATA_DIR: dataDir,
    KGC_SUPPORT_LOG_LEVEL: 'silent',
    ...(db ? { DATABASE_URL: db.url } : {}),
    ...opts.env,
  });
  const store = await openStore({
    config,
    logger: silentLogger,
    command: 'test',
    memory: kind === 'pglite',
    ...(kind === 'pglite' ? { memoryImage: await pgliteImage() } : {}),
  });
  const ctx: Ctx = {
    config,
    db: store.db,
    erp: store.erp,
    logger: silentLogger,
    clock: opts.clock ?? systemClock,
    random: cryptoRandom,
    actor: opts.actor ?? 'test',
  };
  return {
    kind,
    config,
    store,
    ctx,
    dataDir,
    async close() {
      await store.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
