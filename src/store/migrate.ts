/**
 * Forward-only SQL migrations. Files are `NNN_name.sql` in a set's directory; each
 * runs in its own transaction, which first inserts its version row (so two racing
 * processes cannot both apply it) under an advisory lock.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../context/logger.js';
import type { Db } from '../context/db.js';

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

/** Applies what is missing; returns the migrations it applied. */
export async function migrate(db: Db, set: MigrationSet, logger: Logger): Promise<Migration[]> {
  const all = loadMigrations(set.dir);
  await db.tx(async (q) => {
    if (db.kind === 'postgres')
      await q.query(`SELECT pg_advisory_xact_lock(hashtext('kgc_support.migrate'))`);
    await q.exec(BOOTSTRAP);
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
      if (rows[0]) {
        if (rows[0].checksum !== m.checksum) {
          logger.warn(
            { set: set.name, version: m.version },
            'an applied migration file has changed since; migrations are forward-only',
          );
        }
        return false;
      }
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
