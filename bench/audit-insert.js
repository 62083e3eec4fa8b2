// What one audit row costs PostgreSQL, and where: 1,600-row batches (200 ms of by-phone at
// 8,000 req/s) into scratch copies of kgc_support.audit_log. Figures are wall time per row of
// the INSERT alone (the batches are encoded beforehand), three rounds each.
//   npm run build && node bench/audit-insert.js      (needs the bench database: npm run bench)
import pg from 'pg';
import { INSERT_BATCH } from '../dist/audit/audit.queries.js';

const c = new pg.Client({
  connectionString:
    process.env.KGC_BENCH_DB ?? 'postgres://postgres@%2Fvar%2Frun%2Fpostgresql/kgc_bench',
});
await c.connect();
const COLS =
  '(at, kind, request_id, key_id, actor, method, route, resource_id, status, latency_ms)';
const rows = (n) =>
  Array.from({ length: n }, (_, i) => [
    Date.now() + i,
    'api',
    crypto.randomUUID(),
    'key_AbCdEfGhIj',
    null,
    'GET',
    '/api/customers/by-phone/:phone',
    `C-B${i}`,
    200,
    1.234,
  ]);
const ours = INSERT_BATCH.replace('kgc_support.audit_log', 'public.audit_probe');
const asJson = (r) => [JSON.stringify(r)];
const asArrays = (r) => [
  r.map((x) => new Date(x[0])),
  ...Array.from({ length: 9 }, (_, k) => r.map((x) => x[k + 1])),
];
const UNNEST = `INSERT INTO public.audit_probe ${COLS} SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::real[])`;
const LIKE =
  'CREATE TABLE public.audit_probe (LIKE kgc_support.audit_log INCLUDING DEFAULTS INCLUDING CONSTRAINTS)';
const cases = [
  [
    'our jsonb batch, the real indexes (pkey, at, key_id+at)',
    `${LIKE}; ALTER TABLE public.audit_probe ADD PRIMARY KEY (id); CREATE INDEX ON public.audit_probe (at); CREATE INDEX ON public.audit_probe (key_id, at)`,
    ours,
    asJson,
  ],
  [
    'the same rows as unnest arrays',
    `${LIKE}; ALTER TABLE public.audit_probe ADD PRIMARY KEY (id); CREATE INDEX ON public.audit_probe (at); CREATE INDEX ON public.audit_probe (key_id, at)`,
    UNNEST,
    asArrays,
  ],
  [
    'jsonb batch, BRIN on at instead of a btree',
    `${LIKE}; ALTER TABLE public.audit_probe ADD PRIMARY KEY (id); CREATE INDEX ON public.audit_probe USING brin (at); CREATE INDEX ON public.audit_probe (key_id, at)`,
    ours,
    asJson,
  ],
  ['jsonb batch, no index at all', LIKE, ours, asJson],
  [
    'jsonb decode only (SELECT, no insert)',
    LIKE,
    `SELECT count(*) FROM (${ours.replace(/^\s*INSERT INTO [^)]*\)\s*/, '')}) s`,
    asJson,
  ],
];
async function perRow(sql, encode, n = 1600, reps = 30) {
  const batches = Array.from({ length: reps }, () => encode(rows(n)));
  const t0 = performance.now();
  for (const params of batches) await c.query(sql, params);
  return ((performance.now() - t0) * 1000) / (n * reps);
}
for (const [name, ddl, sql, encode] of cases) {
  await c.query('DROP TABLE IF EXISTS public.audit_probe');
  await c.query(ddl);
  const r = [];
  for (let k = 0; k < 3; k++) r.push((await perRow(sql, encode)).toFixed(2));
  process.stdout.write(`${name.padEnd(56)} ${r.join('  ')} µs per row\n`);
}
await c.query('DROP TABLE IF EXISTS public.audit_probe');
await c.end();
