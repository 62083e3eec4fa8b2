/**
 * The store's schema as text, the same on both engines: schemas, extensions, tables
 * with their columns (type, nullability, default), constraints, indexes, sequences,
 * functions and triggers, from pg_catalog, sorted. `npm run schema:dump` writes it to
 * schemas/store.sql; test/store/schema-dump.test.ts migrates a fresh PGlite and a
 * fresh PostgreSQL database and compares both with that file, so a migration that
 * behaves differently on one engine, or one not reflected in the dump, is noticed.
 */
import type { Queryable } from '../context/db.js';

export const SCHEMA_DUMP_FILE = 'schemas/store.sql';

const SCHEMAS = `n.nspname IN ('kgc_support', 'kgc_erp')`;

const QUERIES: readonly [title: string, sql: string][] = [
  ['schema', `SELECT n.nspname AS line FROM pg_namespace n WHERE ${SCHEMAS}`],
  ['extension', `SELECT e.extname AS line FROM pg_extension e WHERE e.extname <> 'plpgsql'`],
  [
    'column',
    `SELECT n.nspname || '.' || c.relname || '.' || a.attname || ' ' ||
            format_type(a.atttypid, a.atttypmod) ||
            CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END ||
            COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE ${SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped`,
  ],
  [
    'constraint',
    `SELECT n.nspname || '.' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) AS line
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      -- Newer PostgreSQL (PGlite's) also lists each NOT NULL here; the columns say it already.
      WHERE ${SCHEMAS} AND k.contype <> 'n'`,
  ],
  [
    'index',
    `SELECT pg_get_indexdef(i.indexrelid) AS line
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${SCHEMAS}`,
  ],
  [
    'sequence',
    `SELECT n.nspname || '.' || c.relname AS line
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${SCHEMAS} AND c.relkind = 'S'`,
  ],
  [
    'function',
    `SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_arguments(p.oid) || ') RETURNS ' ||
            pg_get_function_result(p.oid) || ' LANGUAGE ' || l.lanname || ' ' ||
            md5(regexp_replace(p.prosrc, '\\s+', ' ', 'g')) AS line
       FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace
       JOIN pg_language l ON l.oid = p.prolang
      WHERE ${SCHEMAS}`,
  ],
  [
    'trigger',
    `SELECT pg_get_triggerdef(t.oid) AS line
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${SCHEMAS} AND NOT t.tgisinternal`,
  ],
];

const HEADER = [
  "-- The store's schema after every migration, on either engine (src/store/schema-snapshot.ts).",
  '-- Written by `npm run schema:dump`; test/store/schema-dump.test.ts checks it on PGlite and PostgreSQL.',
  '-- Function bodies are shown by an md5 of their whitespace-folded source.',
];

/** The schema of the database `db` as sorted lines of text (ending in a newline). */
export async function schemaSnapshot(db: Queryable): Promise<string> {
  const out = [...HEADER];
  for (const [title, sql] of QUERIES) {
    const { rows } = await db.query<{ line: string }>(sql);
    const lines = rows.map((r) => `${title} ${r.line.replace(/\s+/g, ' ').trim()}`);
    out.push('', ...lines.sort());
  }
  return `${out.join('\n')}\n`;
}
