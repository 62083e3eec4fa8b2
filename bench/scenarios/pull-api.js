// Scenarios 1 and 2: by-phone and worklog status over N customers, on PostgreSQL
// and on PGlite. Baseline: a bare Fastify route running the same SQL on the same
// pool (same process), with no auth, no audit, no rate limit, no schema.
import Fastify from 'fastify';
import { existsSync, mkdirSync } from 'node:fs';
import pg from 'pg';
import { loadConfig } from '../../dist/config/config.js';
import { silentLogger } from '../../dist/context/logger.js';
import { startDaemon } from '../../dist/daemon/daemon.js';
import { CUSTOMERS_BY_PHONE, WORKLOG_STATUS } from '../../dist/erp/erp.queries.js';
import { createKey } from '../../dist/keys/keys.service.js';
import { benchPhone, benchWorklog, ensureBulkData, sample } from '../lib/data.js';
import { load, paced } from '../lib/load.js';
import { row } from '../lib/report.js';

const ADMIN_URL = process.env.KGC_BENCH_PG_ADMIN ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SOCKET_DIR = process.env.KGC_BENCH_PG_SOCKET_DIR ?? '/var/run/postgresql';

/** The URL of database `name`, created when missing (or dropped first when `fresh`). */
export async function ensureDatabase(name, { fresh = false } = {}) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    if (fresh) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const { rows } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  // The daemon reaches a PostgreSQL on the same host through its Unix socket when it
  // exists (as docs/installation.md recommends): a loopback TCP write costs far more here.
  if (existsSync(`${SOCKET_DIR}/.s.PGSQL.5432`) && !process.env.KGC_BENCH_PG_TCP)
    return `postgres://postgres@${encodeURIComponent(SOCKET_DIR)}/${name}`;
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The bench's daemon on `kind` (postgres, pglite), with `extraEnv` on top (e.g. REDIS_URL). */
export async function startBenchDaemon(kind, log, extraEnv = {}) {
  const dataDir = new URL(`../.data/${kind}`, import.meta.url).pathname;
  mkdirSync(dataDir, { recursive: true });
  const env = {
    KGC_SUPPORT_DATA_DIR: dataDir,
    KGC_SUPPORT_PORT: '0',
    KGC_SUPPORT_LOG_LEVEL: 'silent',
    KGC_SUPPORT_PG_POOL_MAX: '16',
  };
  if (kind === 'postgres') env.DATABASE_URL = await ensureDatabase('kgc_bench');
  Object.assign(env, extraEnv);
  // The demo data (machines, locations) the bulk rows refer to; a second start finds them there
  // beside the bulk rows, which the demo seed refuses to mix with (erp_not_empty).
  const config = loadConfig(env);
  const daemon = await startDaemon({ config, demo: true, logger: silentLogger }).catch((err) => {
    if (err.code !== 'erp_not_empty') throw err;
    return startDaemon({ config, demo: false, logger: silentLogger });
  });
  const key = (
    await createKey(
      { ...daemon.ctx, actor: 'bench' },
      { name: 'bench', scopes: ['support:read', 'erp:publish'], rate_limit: '10000000/s' },
    )
  ).api_key;
  return { daemon, key, log };
}

export async function bareApp(erp) {
  const app = Fastify();
  app.get(
    '/bare/by-phone/:phone',
    async (req) => (await erp.query(CUSTOMERS_BY_PHONE, [req.params.phone])).rows[0],
  );
  app.get(
    '/bare/worklog/:id',
    async (req) => (await erp.query(WORKLOG_STATUS, [req.params.id])).rows[0],
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${app.server.address().port}` };
}

export async function pullApiScenarios(opts, log) {
  const rows = [];
  for (const kind of opts.stores) {
    log(
      `\n[pull-api] ${kind}: starting the daemon, making sure ${opts.customers.toLocaleString('en-US')} customers exist`,
    );
    const { daemon, key } = await startBenchDaemon(kind, log);
    try {
      await ensureBulkData(daemon.ctx.erp, opts.customers, log);
      const bare = await bareApp(daemon.ctx.erp);
      const ids = sample(opts.customers, 2000);
      const endpoints = [
        {
          name: 'by-phone',
          target: kind === 'postgres' ? 5000 : 2000,
          full: (i) => `/api/customers/by-phone/${encodeURIComponent(benchPhone(i))}`,
          bare: (i) => `/bare/by-phone/${encodeURIComponent(benchPhone(i))}`,
          ids,
        },
        {
          name: 'worklog-status',
          target: kind === 'postgres' ? 5000 : 2000,
          full: (i) => `/api/service/worklogs/${benchWorklog(i)}/status`,
          bare: (i) => `/bare/worklog/${benchWorklog(i)}`,
          ids: ids.map((i) => i - (i % 3) || 3),
        },
      ];
      const auth = { authorization: `Bearer ${key}` };
      for (const ep of endpoints) {
        if (opts.only && !opts.only.includes(ep.name)) continue;
        log(
          `[pull-api] ${kind} ${ep.name}: baseline, then ours (${opts.connections} connections, ${opts.duration} s each after a ${opts.warmup} s warm-up)`,
        );
        const base = await load({
          url: bare.url,
          connections: opts.connections,
          duration: opts.duration,
          warmup: opts.warmup,
          requests: ep.ids.map((i) => ({ path: ep.bare(i) })),
        });
        const ours = await load({
          url: daemon.url,
          connections: opts.connections,
          duration: opts.duration,
          warmup: opts.warmup,
          headers: auth,
          requests: ep.ids.map((i) => ({ path: ep.full(i) })),
        });
        const errors = ours.errors + ours.non2xx;
        // The fixed rate is a share of what the bare route did just now on this machine: a
        // rate above the machine's capacity measures only the queue (p99 of seconds on both
        // sides). The open-loop generator times each request from when it was due.
        const rate = Math.max(1, Math.round(base.rps * opts.fixedFraction));
        log(
          `[pull-api] ${kind} ${ep.name}: at a fixed ${rate} req/s (${Math.round(opts.fixedFraction * 100)} % of the bare route's ${Math.round(base.rps)} req/s)`,
        );
        // The same open-loop generator against the bare route: what this machine and this
        // generator allow at that rate, so the p99 below can be read against it.
        const fixedBase = await paced({
          url: bare.url,
          rate,
          duration: opts.duration,
          warmup: 1,
          paths: ep.ids.map((i) => ep.bare(i)),
        });
        const fixed = await paced({
          url: daemon.url,
          rate,
          duration: opts.duration,
          warmup: 1,
          headers: auth,
          paths: ep.ids.map((i) => ep.full(i)),
        });
        // The target is a throughput with its p99: the closed-loop run gives both at once.
        const okMax = ours.rps >= ep.target && (kind !== 'postgres' || ours.latency_ms.p99 < 10);
        const okP99 = fixed.latency_ms.p99 < 10 && fixed.rps >= rate * 0.97;
        const okRatio = kind !== 'postgres' || ours.rps / base.rps >= 0.9;
        rows.push(
          row({
            scenario: `${ep.name} (max)`,
            store: kind,
            rps: ours.rps,
            p50: ours.latency_ms.p50,
            p99: ours.latency_ms.p99,
            baseline: { rps: base.rps, p99: base.latency_ms.p99 },
            target: `≥ ${ep.target}/s${kind === 'postgres' ? ', p99 < 10 ms' : ''}${kind === 'postgres' ? ', ≥ 0.9 × baseline' : ''}`,
            verdict: okMax && okRatio ? 'PASS' : 'MISS',
            note: errors ? `${errors} errors or non-2xx` : '',
          }),
        );
        rows.push(
          row({
            scenario: `${ep.name} @ ${rate}/s`,
            store: kind,
            rps: fixed.rps,
            p50: fixed.latency_ms.p50,
            p99: fixed.latency_ms.p99,
            baseline: { rps: fixedBase.rps, p99: fixedBase.latency_ms.p99 },
            target: 'p99 < 10 ms',
            verdict: okP99 ? 'PASS' : 'MISS',
            note: `open loop at ${Math.round(opts.fixedFraction * 100)} % of the bare route's max (${Math.round(base.rps)}/s); latency from when each request was due`,
          }),
        );
      }
      await bare.app.close();
    } finally {
      await daemon.close();
    }
  }
  return rows;
}
