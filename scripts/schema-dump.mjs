#!/usr/bin/env node
// Writes schemas/store.sql: the store's schema after every migration, from a fresh
// in-memory PGlite (run: npm run schema:dump, which builds first).
// test/store/schema-dump.test.ts fails when the committed file is stale, on either engine.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../dist/context/logger.js';
import { migrate } from '../dist/store/migrate.js';
import { storeMigrations } from '../dist/store/open.js';
import { openPglite } from '../dist/store/pglite.js';
import { SCHEMA_DUMP_FILE, schemaSnapshot } from '../dist/store/schema-snapshot.js';

const db = await openPglite(undefined);
try {
  await migrate(db, storeMigrations(), silentLogger);
  const target = fileURLToPath(new URL(`../${SCHEMA_DUMP_FILE}`, import.meta.url));
  writeFileSync(target, await schemaSnapshot(db));
  process.stdout.write(`wrote ${SCHEMA_DUMP_FILE}\n`);
} finally {
  await db.close();
}
