/**
 * Forward-only SQL migrations. Files are `NNN_name.sql` in a set's directory; each
 * runs in its own transaction, which first inserts its version row (so two racing
 * processes cannot both apply it) under an advisory lock.
 *
 * Two guards, before anything is applied: a database that holds migrations this code
 * does not know (a newer version wrote it: a downgrade) is refused, naming both
 * versions; so is a database whose applied migration differs from this code's file of
 * the same number (the schema is not the one this code was written for).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../context/logger.js';
import type { Db, Queryable } from '../context/db.js';
import { KgcError } from '../errors/kgc-error.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationSet {
  /** "support" (the daemon's own schema) or "erp" (the reference ERP schema). */
  readonly name: string;
  readonly dir: string;
}

export function loadMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 3)),
        name: file.slice(4, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16),
      };
    });
}

const BOOTSTRAP = `
  CREATE SCHEMA IF NOT EXISTS kgc_support;
  CREATE TABLE IF NOT EXISTS kgc_support.migrations (
    set_name   text NOT NULL,
    version    integer NOT NULL,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (set_name, version)
  );`;

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** Refuses a database a newer version migrated, or one whose applied migrations differ from ours. */
async function guard(q: Queryable, set: MigrationSet, all: readonly Migration[]): Promise<void> {
  const { rows } = await q.query<AppliedRow>(
    'SELECT version, name, checksum FROM kgc_support.migrations WHERE set_name = $1 ORDER BY version',
    [set.name],
  );
  const known = new Map(all.map((m) => [m.version, m]));
  const ours = all.at(-1)?.version ?? 0;
  const unknown = rows.filter((r) => !known.has(r.version));
  if (unknown.length > 0) {
    const theirs = Math.max(...rows.map((r) => r.version));
    throw new KgcError(
      'store_too_new',
      `the database was migrated by a newer kgc-support: it holds migration ${String(theirs).padStart(3, '0')} (${unknown.map((r) => r.name).join(', ')}), this version knows up to ${String(ours).padStart(3, '0')}`,
    );
  }
  const changed = rows.filter((r) => known.get(r.version)?.checksum !== r.checksum);
  if (changed.length > 0)
    throw new KgcError(
      'migration_changed',
      `applied migration ${changed.map((r) => `${String(r.version).padStart(3, '0')}_${r.name}`).join(', ')} differs from this version's file: the database's schema is not the one this code expects`,
    );
}

/** Applies what is missing; returns the migrations it applied. Refuses a newer or changed database. */
export async function migrate(db: Db, set: MigrationSet, logger: Logger): Promise<Migration[]> {
  const all = loadMigrations(set.dir);
  await db.tx(async (q) => {
    if (db.kind === 'postgres')
      await q.query(`SELECT pg_advisory_xact_lock(hashtext('kgc_support.migrate'))`);
    await q.exec(BOOTSTRAP);
    await guard(q, set, all);
  });
  const applied: Migration[] = [];
  for (const m of all) {
    const done = await db.tx(async (q) => {
      if (db.kind === 'postgres')
        await q.query(`SELECT pg_advisory_xact_lock(hashtext('kgc_support.migrate'))`);
      const { rows } = await q.query<{ checksum: string }>(
        'SELECT checksum FROM kgc_support.migrations WHERE set_name = $1 AND version = $2',
        [set.name, m.version],
      );
      // Applied meanwhile by another process (the guard above checked what was there).
      if (rows[0]) return false;
      await q.query(
        'INSERT INTO kgc_support.migrations (set_name, version, name, checksum) VALUES ($1, $2, $3, $4)',
        [set.name, m.version, m.name, m.checksum],
      );
      // A role named like the daemon's schema (kgc_support) has "$user" first in its search
      // path, so CREATE EXTENSION would land in kgc_support and kgc_erp.fold()'s
      // public.unaccent would not exist. Migrations qualify their own objects; the rest is public.
      await q.query('SET LOCAL search_path TO public');
      await q.exec(m.sql);
      return true;
    });
    if (done) {
      applied.push(m);
      logger.info({ set: set.name, version: m.version, name: m.name }, 'migration applied');
    }
  }
  return applied;
}
