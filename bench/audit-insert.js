// What one audit row costs PostgreSQL: 1,600-row batches (200 ms of by-phone at 8,000 req/s)
// into a scratch copy of kgc_support.audit_log, in the daemon's jsonb form and as unnest
// arrays, then without the (key_id, at) index. Needs the bench database (npm run bench).
//   npm run build && node bench/audit-insert.js
import pg from 'pg';
import { INSERT_BATCH } from '../dist/audit/audit.queries.js';
const c = new pg.Client({ connectionString: process.env.KGC_BENCH_DB ?? 'postgres://postgres@%2Fvar%2Frun%2Fpostgresql/kgc_bench' });
await c.connect();
await c.query('DROP TABLE IF EXISTS public.audit_probe');
await c.query('CREATE TABLE public.audit_probe (LIKE kgc_support.audit_log INCLUDING ALL)');
const rows = (n) => Array.from({ length: n }, (_, i) => [Date.now() + i, 'api', crypto.randomUUID(), 'key_AbCdEfGhIj', null, 'GET', '/api/customers/by-phone/:phone', 'C-B' + i, 200, 1.234]);
const sqlJson = INSERT_BATCH.replace('kgc_support.audit_log', 'public.audit_probe');
const sqlUnnest = `INSERT INTO public.audit_probe (at, kind, request_id, key_id, actor, method, route, resource_id, status, latency_ms)
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::real[])`;
async function time(name, fn, n = 1600, reps = 30) {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn(rows(n));
  const ms = performance.now() - t0;
  console.log(name, ((ms * 1000) / (n * reps)).toFixed(2), 'µs per row (wall, client+server)');
}
for (let k = 0; k < 2; k++) {
  await time('jsonb', (r) => c.query(sqlJson, [JSON.stringify(r)]));
  await time('unnest', (r) => c.query(sqlUnnest, [r.map((x) => new Date(x[0])), r.map((x) => x[1]), r.map((x) => x[2]), r.map((x) => x[3]), r.map((x) => x[4]), r.map((x) => x[5]), r.map((x) => x[6]), r.map((x) => x[7]), r.map((x) => x[8]), r.map((x) => x[9])]));
}
await c.query('DROP INDEX IF EXISTS public.audit_probe_key_id_at_idx');
const idx = await c.query("select indexname from pg_indexes where tablename='audit_probe'");
console.log('indexes now', idx.rows.map((r) => r.indexname).join(','));
await time('jsonb, without the key index', (r) => c.query(sqlJson, [JSON.stringify(r)]));
await c.query('DROP TABLE public.audit_probe');
await c.end();
