/**
 * The committed schema dump (schemas/store.sql) is what the migrations make, on
 * both engines: a fresh PGlite and a fresh PostgreSQL database are migrated and
 * their schema (tables, columns and types, defaults, constraints, indexes,
 * sequences, functions, triggers; src/store/schema-snapshot.ts) compared with it.
 * A migration that differs between the engines, or a schema change without a
 * refreshed dump, fails here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTwoFilesPatch } from 'diff';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/context/logger.js';
import type { Db } from '../../src/context/db.js';
import { migrate } from '../../src/store/migrate.js';
import { storeMigrations } from '../../src/store/open.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';
import { SCHEMA_DUMP_FILE, schemaSnapshot } from '../../src/store/schema-snapshot.js';
import { createDatabase, type TestDatabase } from '../helpers/pg.js';

const committed = readFileSync(
  fileURLToPath(new URL(`../../${SCHEMA_DUMP_FILE}`, import.meta.url)),
  'utf8',
);

const REFRESH = `${SCHEMA_DUMP_FILE} does not match the migrated schema. If the migration is right, refresh the dump with \`npm run schema:dump\` and commit ${SCHEMA_DUMP_FILE}; if the engines differ, fix the migration.`;

function expectDump(engine: string, actual: string): void {
  if (actual === committed) return;
  const patch = createTwoFilesPatch(
    SCHEMA_DUMP_FILE,
    `${engine} after migrations`,
    committed,
    actual,
  );
  expect.fail(`${REFRESH}\n${patch}`);
}

describe('the committed schema dump', () => {
  const opened: Db[] = [];
  let database: TestDatabase | undefined;
  afterAll(async () => {
    for (const db of opened) await db.close();
    await database?.drop();
  });

  it('is what a fresh PGlite has after every migration', async () => {
    const db = await openPglite(undefined);
    opened.push(db);
    await migrate(db, storeMigrations(), silentLogger);
    expectDump('PGlite', await schemaSnapshot(db));
  });

  it('is what a fresh PostgreSQL database has after every migration', async () => {
    database = await createDatabase('kgc_dump');
    const db = await openPostgres({ url: database.url, poolMax: 2, logger: silentLogger });
    opened.push(db);
    await migrate(db, storeMigrations(), silentLogger);
    expectDump('PostgreSQL', await schemaSnapshot(db));
  });
});
