/**
 * A fresh PostgreSQL database per test file, dropped afterwards. A store's database
 * (`{ migrated: true }`) is cloned from a template that holds the migrated schema
 * (CREATE DATABASE … TEMPLATE), so each file skips running every migration; the real
 * migration step still runs on it at open (and finds everything applied). The
 * template is named by a hash of the migrations, built once (global-setup.ts), and
 * shared by concurrent runs; a changed migration makes a new one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { silentLogger } from '../../src/context/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { storeMigrations } from '../../src/store/open.js';
import { openPostgres } from '../../src/store/postgres.js';

export function adminUrl(): string {
  return process.env.KGC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function urlFor(database: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

async function asAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

const codeOf = (err: unknown): string | undefined => (err as { code?: string }).code;

/** The template's name: a hash of the migration files. */
export function templateName(): string {
  const h = createHash('sha256');
  const { dir } = storeMigrations();
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return `kgc_tpl_${h.digest('hex').slice(0, 16)}`;
}

async function buildTemplate(name: string): Promise<void> {
  const exists = await asAdmin(
    async (c) =>
      (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
  );
  if (exists) return;
  // Built under another name and renamed when complete: a half-built template is never cloned.
  const building = `${name}_b${process.pid}_${randomBytes(3).toString('hex')}`;
  await asAdmin((c) => c.query(`CREATE DATABASE ${building}`));
  const db = await openPostgres({ url: urlFor(building), poolMax: 2, logger: silentLogger });
  try {
    await migrate(db, storeMigrations(), silentLogger);
  } finally {
    await db.close();
  }
  await asAdmin(async (c) => {
    try {
      await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } catch (err) {
      // Another run finished first (duplicate_database): use theirs.
      await c.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      if (codeOf(err) !== '42P04') throw err;
    }
  });
}

let template: Promise<string> | undefined;

/** The migrated template (built unless there); its name. Safe from several processes at once. */
export function ensurePgTemplate(): Promise<string> {
  template ??= (async () => {
    const name = templateName();
    await buildTemplate(name);
    return name;
  })();
  return template;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createDatabase(
  prefix = 'kgc_t',
  opts: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  // KGC_TEST_PG_TEMPLATE=0: every database migrated from empty (to compare, or to rule the template out).
  const cloned = opts.migrated === true && process.env.KGC_TEST_PG_TEMPLATE !== '0';
  const from = cloned ? ` TEMPLATE ${await ensurePgTemplate()}` : '';
  await asAdmin(async (c) => {
    // A clone fails while another session is connected to the template (object_in_use);
    // only clones and the builder ever are, for a moment: try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${name}${from}`);
        return;
      } catch (err) {
        if (codeOf(err) !== '55006' || attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  });
  return {
    url: urlFor(name),
    name,
    async drop() {
      await asAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
