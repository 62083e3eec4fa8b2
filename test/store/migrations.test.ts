/** Migrations: applied once, recorded, safe when two processes start together. */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/context/db.js';
import { silentLogger } from '../../src/context/logger.js';
import { loadMigrations, migrate } from '../../src/store/migrate.js';
import { migrationsDir, storeMigrations } from '../../src/store/open.js';
import { openPostgres } from '../../src/store/postgres.js';
import { openPglite } from '../../src/store/pglite.js';
import pg from 'pg';
import { adminUrl, createDatabase } from '../helpers/pg.js';
import { pgliteImage } from '../helpers/pglite-image.js';

const set = storeMigrations();

describe('migrations', () => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });

  it('are numbered files applied in order and recorded (PGlite)', async () => {
    const all = loadMigrations(migrationsDir());
    // Strictly increasing and unique: a branch may land its number before the one below it.
    expect(
      all.every((m, i) => i === 0 || m.version > (all[i - 1] as (typeof all)[0]).version),
    ).toBe(true);
    expect(all[0]?.version).toBe(1);
    const db = await openPglite(undefined);
    try {
      expect((await migrate(db, set, silentLogger)).map((m) => m.version)).toEqual(
        all.map((m) => m.version),
      );
      expect(await migrate(db, set, silentLogger)).toEqual([]);
      const { rows } = await db.query<{ version: number; checksum: string }>(
        'SELECT version, checksum FROM kgc_support.migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual(all.map((m) => m.version));
      expect(rows.map((r) => r.checksum)).toEqual(all.map((m) => m.checksum));
    } finally {
      await db.close();
    }
  });

  it('are applied exactly once when several processes migrate one PostgreSQL at once', async () => {
    const pg = await createDatabase();
    drops.push(pg.drop);
    const dbs = await Promise.all(
      [1, 2, 3].map(() => openPostgres({ url: pg.url, poolMax: 2, logger: silentLogger })),
    );
    try {
      const applied = await Promise.all(dbs.map((db) => migrate(db, set, silentLogger)));
      const total = applied.reduce((n, a) => n + a.length, 0);
      expect(total).toBe(loadMigrations(migrationsDir()).length);
      const { rows } = await (dbs[0] as (typeof dbs)[0]).query<{ n: number }>(
        'SELECT count(*)::int AS n FROM kgc_support.migrations',
      );
      expect(rows[0]?.n).toBe(total);
    } finally {
      for (const db of dbs) await db.close();
    }
  });

  it('apply as a role named like the daemon schema (kgc_support), as the rendered stack connects', async () => {
    // The rendered kgc-support-db runs as POSTGRES_USER=kgc_support: "$user" comes first in its
    // search path, and once migration 001 creates schema kgc_support, an unqualified
    // CREATE EXTENSION would land there and kgc_erp.fold() (public.unaccent) would fail.
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      await admin.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kgc_support') THEN CREATE ROLE kgc_support SUPERUSER LOGIN; END IF;
      EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    } finally {
      await admin.end();
    }
    const created = await createDatabase();
    drops.push(created.drop);
    const u = new URL(created.url);
    u.username = 'kgc_support';
    const db = await openPostgres({ url: u.toString(), poolMax: 1, logger: silentLogger });
    try {
      expect((await migrate(db, set, silentLogger)).length).toBe(
        loadMigrations(migrationsDir()).length,
      );
      const { rows } = await db.query<{ schema: string }>(
        `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname IN ('unaccent', 'pg_trgm')`,
      );
      expect(rows.map((r) => r.schema)).toEqual(['public', 'public']);
      const folded = await db.query<{ f: string }>(`SELECT kgc_erp.fold('Kovács') AS f`);
      expect(folded.rows[0]?.f).toBe('kovacs');
    } finally {
      await db.close();
    }
  });
});

describe.each(['pglite', 'postgres'] as const)('the migration guards on %s', (kind) => {
  const all = loadMigrations(migrationsDir());
  const last = all.at(-1) as (typeof all)[0];
  let db: Db;
  let drop: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    if (kind === 'pglite') {
      db = await openPglite(undefined, await pgliteImage());
    } else {
      const created = await createDatabase('kgc_t', { migrated: true });
      drop = created.drop;
      db = await openPostgres({ url: created.url, poolMax: 2, logger: silentLogger });
    }
  });
  afterEach(async () => {
    await db.close();
    await drop?.();
    drop = undefined;
  });
  const codeOf = async (p: Promise<unknown>): Promise<{ code?: string; message: string }> =>
    p.then(
      () => ({ message: 'migrated without complaint' }),
      (err: unknown) => err as { code?: string; message: string },
    );
  const rowCount = async (): Promise<number> =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kgc_support.migrations')).rows[0]
      ?.n ?? -1;

  it('refuses a database a newer version migrated, naming both versions, and changes nothing', async () => {
    const future = last.version + 1;
    await db.query(
      `INSERT INTO kgc_support.migrations (set_name, version, name, checksum) VALUES ($1, $2, 'from_the_future', 'x')`,
      [set.name, future],
    );
    const before = await rowCount();
    const err = await codeOf(migrate(db, set, silentLogger));
    expect(err.code).toBe('store_too_new');
    expect(err.message).toContain(`migration ${String(future).padStart(3, '0')} (from_the_future)`);
    expect(err.message).toContain(`knows up to ${String(last.version).padStart(3, '0')}`);
    expect(await rowCount()).toBe(before);
  });

  it("refuses a database whose applied migration differs from this version's file", async () => {
    await db.query(
      `UPDATE kgc_support.migrations SET checksum = 'changed' WHERE set_name = $1 AND version = 1`,
      [set.name],
    );
    const err = await codeOf(migrate(db, set, silentLogger));
    expect(err.code).toBe('migration_changed');
    expect(err.message).toContain(`001_${all[0]?.name}`);
  });
});
