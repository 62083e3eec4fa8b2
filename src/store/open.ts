/**
 * Opens the store a process works on: PostgreSQL when DATABASE_URL is set, else
 * the embedded PGlite in the data directory (under its lock). Applies migrations.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/settings.js';
import { packageRoot } from '../config/paths.js';
import type { Logger } from '../context/logger.js';
import { KgcError } from '../errors/kgc-error.js';
import type { Db } from '../context/db.js';
import { createStoreCondition, guardDb, type StoreCondition } from './guarded.js';
import { acquireLock, type Lock } from './lock.js';
import { migrate, type MigrationSet } from './migrate.js';
import { translateStoreError } from './store-errors.js';

export interface Store {
  /** The daemon's own state (schema kgc_support). */
  readonly db: Db;
  /** The ERP read contract (schema kgc_erp): the same Db unless ERP_DATABASE_URL is set. */
  readonly erp: Db;
  /** Held for PGlite and for a daemon; undefined for a CLI on PostgreSQL. */
  readonly lock: Lock | undefined;
  /** Store faults seen (unreachable, disk full), for readiness. */
  readonly condition: StoreCondition;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Named in the lock so a second opener learns who holds it. */
  readonly command: string;
  /** Take the data directory lock even on PostgreSQL (a daemon owns its socket). */
  readonly holdLock?: boolean;
  /** An in-memory PGlite (tests); no lock, no files. */
  readonly memory?: boolean;
  /** With `memory`: start from this image (pgliteImage() in pglite.ts) instead of an empty cluster. */
  readonly memoryImage?: Blob;
  readonly migrate?: boolean;
  /** A lock the caller already holds (a daemon retrying the open): used, and kept on failure. */
  readonly heldLock?: Lock;
  /** Abandons a connection attempt in progress (a daemon stopped while it waits). */
  readonly signal?: AbortSignal;
  /**
   * The embedded engine on a worker thread of its own (pglite-thread.ts), so that its
   * queries never hold the event loop: the daemon's choice. `onEngineExit` hears if
   * that thread stops without being closed (the store is gone then).
   */
  readonly thread?: { readonly onEngineExit: (err: Error) => void };
}

async function openEmbedded(
  dir: string | undefined,
  opts: Pick<OpenStoreOptions, 'memoryImage' | 'thread'>,
): Promise<Db> {
  if (opts.thread) {
    const { openPgliteThread } = await import('./pglite-thread.js');
    const { ENGINE_SETTINGS, pgliteLabel } = await import('./pglite-settings.js');
    return openPgliteThread({
      dataDir: dir,
      label: pgliteLabel(dir),
      settings: ENGINE_SETTINGS,
      onExit: opts.thread.onEngineExit,
      ...(dir === undefined && opts.memoryImage ? { image: opts.memoryImage } : {}),
    });
  }
  const { openPglite } = await import('./pglite.js');
  return openPglite(dir, dir === undefined ? opts.memoryImage : undefined);
}

export function migrationsDir(): string {
  return join(packageRoot(), 'src', 'store', 'migrations');
}

/** The store's one migration set (kgc_support and the reference kgc_erp). */
export function storeMigrations(): MigrationSet {
  return { name: 'kgc', dir: migrationsDir() };
}

async function connectPostgres(
  url: string,
  config: Config,
  logger: Logger,
  name: string,
  signal: AbortSignal | undefined,
): Promise<Db> {
  const { openPostgres } = await import('./postgres.js');
  try {
    return await openPostgres({
      url,
      poolMax: config.pgPoolMax,
      connectTimeoutMs: config.pgConnectTimeoutMs,
      queryTimeoutMs: config.pgQueryTimeoutMs,
      logger,
      applicationName: name,
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    throw new KgcError(
      'store_unavailable',
      `cannot connect to ${name === 'kgc-support-erp' ? 'the ERP database (ERP_DATABASE_URL)' : 'PostgreSQL'}: ${(err as Error).message}`,
      { cause: err, headers: { 'retry-after': '5' } },
    );
  }
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const { config, logger } = opts;
  const embedded = config.databaseUrl === undefined;
  let lock: Lock | undefined = opts.heldLock;
  if (!lock && !opts.memory && (embedded || opts.holdLock))
    lock = await acquireLock(config.dataDir, opts.command);
  const dir = embedded && !opts.memory ? join(config.dataDir, 'pgdata') : undefined;
  const condition = createStoreCondition({ dir });
  let db: Db | undefined;
  let erp: Db | undefined;
  try {
    if (embedded) {
      const open = async (): Promise<Db> =>
        guardDb(
          await openEmbedded(dir, opts).catch((err: unknown) => {
            throw translateStoreError(err);
          }),
          condition,
        );
      // A cluster created in this process leaves its engine thread holding the memory
      // initdb and the first migrations touched (about 450 MB more once the demo data is
      // loaded, BENCHMARKS.md "Where the embedded store's memory goes"): the daemon opens
      // a new cluster, migrates it, and starts a fresh engine thread on it.
      const fresh =
        opts.thread !== undefined && dir !== undefined && !existsSync(join(dir, 'PG_VERSION'));
      db = await open();
      if (fresh && opts.migrate !== false) {
        await migrate(db, storeMigrations(), logger);
        await db.close();
        db = undefined;
        db = await open();
      }
    } else {
      db = guardDb(
        await connectPostgres(config.databaseUrl, config, logger, 'kgc-support', opts.signal),
        condition,
      );
    }
    if (opts.migrate !== false) await migrate(db, storeMigrations(), logger);
    erp = config.erpDatabaseUrl
      ? guardDb(
          await connectPostgres(
            config.erpDatabaseUrl,
            config,
            logger,
            'kgc-support-erp',
            opts.signal,
          ),
          condition,
        )
      : db;
    lock?.update({ store: db.label });
  } catch (err) {
    await db?.close().catch(() => {});
    if (lock !== opts.heldLock) lock?.release();
    throw err;
  }
  const theDb = db;
  const theErp = erp;
  let closed = false;
  return {
    db: theDb,
    erp: theErp,
    lock,
    condition,
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (theErp !== theDb) await theErp.close();
        await theDb.close();
      } finally {
        lock?.release();
      }
    },
  };
}
