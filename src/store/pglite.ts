import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import type { Db, Queryable, QueryResult } from '../context/db.js';
import { OID, parseDate, parseInt8, parseNumeric } from './pg-types.js';
import { engineStartParams, pgliteLabel } from './pglite-settings.js';

const parsers = {
  [OID.INT8]: parseInt8,
  [OID.NUMERIC]: parseNumeric,
  [OID.DATE]: parseDate,
};

function wrap(q: PGlite | Transaction): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const res = await q.query<R>(sql, params as unknown[]);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await q.exec(sql);
    },
  };
}

function asDb(pg: PGlite, label: string): Db {
  return {
    ...wrap(pg),
    kind: 'pglite',
    label,
    tx: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async listen(channel, onPayload) {
      const unsub = await pg.listen(channel, onPayload);
      return async () => {
        await unsub();
      };
    },
    close: () => pg.close(),
  };
}

const create = (dataDir: string | undefined, image?: Blob): Promise<PGlite> =>
  PGlite.create(dataDir, {
    extensions: { pg_trgm, unaccent },
    parsers,
    startParams: engineStartParams(PGlite.defaultStartParams),
    ...(image ? { loadDataDir: image } : {}),
  });

/**
 * Opens the embedded store in this thread (the CLI, tests; the daemon runs it on a
 * thread of its own, pglite-thread.ts). `dataDir` undefined means in memory (tests);
 * `image`, a data directory saved by pgliteImage(), starts it from there instead of an
 * empty cluster (initdb in WASM costs seconds; a test suite opens dozens).
 * The caller must hold the data directory lock (see lock.ts) before calling this:
 * PGlite itself does nothing to stop a second process from corrupting the files.
 */
export async function openPglite(dataDir: string | undefined, image?: Blob): Promise<Db> {
  return asDb(await create(dataDir, image), pgliteLabel(dataDir));
}

/** The data directory of a fresh in-memory store after `prepare` ran on it, as a tarball. */
export async function pgliteImage(prepare: (db: Db) => Promise<void>): Promise<Blob> {
  const pg = await create(undefined);
  try {
    await prepare(asDb(pg, 'pglite (image)'));
    return await pg.dumpDataDir('none');
  } finally {
    await pg.close();
  }
}
