// Scenarios 3 and 4: event ingest (POST /api/events) acknowledgement, and dispatch from
// the outbox to a receiver that verifies every signature. The daemon is the real binary;
// the receiver and the load generator are processes of their own.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Agent, request } from 'undici';
import { createSigner } from '../../dist/index.js';
import { load, paced } from '../lib/load.js';
import { row } from '../lib/report.js';
import { pacedFloor, serverLatency } from '../lib/server-latency.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAbCdEfGh';
const ADMIN_URL = process.env.KGC_BENCH_PG_ADMIN ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const now = () => performance.timeOrigin + performance.now();
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const DATA = {
  order_id: 'O-2025-0456',
  customer: { id: 'C-123', name: 'Kovács János', phone: '+36301234567' },
  items: [{ sku: 'MAK-DGA452', name: 'Makita akkus fúró', quantity: 2, status: 'beérkezett' }],
};

function ask(child, msg, key) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key]);
      }
    };
    child.on('message', on);
    child.send(msg);
  });
}

async function startReceiver() {
  const child = fork(
    fileURLToPath(new URL('../lib/receiver-child.js', import.meta.url)),
    [SECRET],
    { stdio: 'inherit' },
  );
  const port = await new Promise((r) => child.once('message', (m) => r(m.port)));
  return { child, url: `http://127.0.0.1:${port}` };
}

/** A fresh store for one run: a temp PGlite directory or a new PostgreSQL database. */
async function freshStore(kind) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kgc-bench-ev-'));
  const env = {
    KGC_SUPPORT_DATA_DIR: dataDir,
    KGC_SUPPORT_LOG_LEVEL: 'silent',
    KGC_SUPPORT_PORT: '0',
    SUPPORT_WEBHOOK_SECRET: SECRET,
    KGC_SUPPORT_RATE_LIMIT: '10000000/s',
    KGC_SUPPORT_RATE_LIMIT_PUBLISH: '10000000/s',
  };
  let dbName;
  if (kind === 'postgres') {
    dbName = `kgc_bench_ev_${process.pid}_${Date.now()}`;
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`CREATE DATABASE ${dbName}`);
    await c.end();
    const u = new URL(ADMIN_URL);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  }
  return {
    env,
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      if (dbName) {
        const c = new pg.Client({ connectionString: ADMIN_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await c.end();
      }
    },
  };
}

/** Opens the store in this process (no daemon running) for preparation. */
async function withStore(env, fn) {
  const { loadConfig } = await import('../../dist/config/config.js');
  const { openStore } = await import('../../dist/store/open.js');
  const { silentLogger } = await import('../../dist/context/logger.js');
  const { cryptoRandom, systemClock } = await import('../../dist/context/clock.js');
  const config = loadConfig(env);
  const store = await openStore({ config, logger: silentLogger, command: 'bench' });
  try {
    return await fn({
      config,
      db: store.db,
      erp: store.erp,
      logger: silentLogger,
      clock: systemClock,
      random: cryptoRandom,
      actor: 'bench',
    });
  } finally {
    await store.close();
  }
}

function startDaemon(env) {
  const prof = process.env.BENCH_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`]
    : [];
  const child = spawn(process.execPath, [...prof, join(ROOT, 'bin', 'kgc-support.js'), 'serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const url = new Promise((resolve, reject) => {
    child.stderr.on('data', (c) => {
      err += c;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.once('exit', (c) => reject(new Error(`daemon exited ${c}: ${err}`)));
  });
  return {
    child,
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function baselineLoop(url, n, inFlight = 64) {
  const signer = createSigner([SECRET]);
  const body = JSON.stringify({
    id: 'evt_baseline',
    event: 'order.arrived',
    occurred_at: new Date().toISOString(),
    data: DATA,
  });
  const agent = new Agent({ connections: inFlight });
  let next = 0;
  const t0 = now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        const id = `base-${next++}`;
        const headers = signer.headers(id, body, Math.floor(Date.now() / 1000));
        const res = await request(`${url}/webhook/kgc/order-arrived`, {
          method: 'POST',
          body,
          headers,
          dispatcher: agent,
        });
        await res.body.dump();
      }
    }),
  );
  const secs = (now() - t0) / 1000;
  await agent.close();
  return n / secs;
}

const REDIS_URL = process.env.KGC_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Dispatch on each store with the PostgreSQL queue (the baseline of the BullMQ run), then,
 * on the PostgreSQL store, the same with KGC_SUPPORT_QUEUE=bullmq (a Redis key prefix of
 * its own, removed afterwards). Every delivery also writes its notification audit row.
 */
export async function dispatchScenario(opts, log) {
  const rows = [];
  for (const kind of opts.stores) {
    rows.push(...(await dispatchRun(kind, 'postgres', opts, log)));
    if (kind !== 'postgres') continue;
    if (await redisAnswers()) rows.push(...(await dispatchRun(kind, 'bullmq', opts, log)));
    else log(`\n[dispatch] bullmq queue skipped: no Redis at ${REDIS_URL} (KGC_BENCH_REDIS_URL)`);
  }
  return rows;
}

async function dispatchRun(kind, queue, opts, log) {
  const rows = [];
  const n = opts.events;
  log(
    `\n[dispatch] ${kind}, ${queue} queue: ${n.toLocaleString('en-US')} events from the outbox to a verifying receiver`,
  );
  const prefix = `kgc-bench-${process.pid}-${Date.now()}`;
  const queueEnv =
    queue === 'bullmq'
      ? { KGC_SUPPORT_QUEUE: 'bullmq', REDIS_URL, KGC_SUPPORT_QUEUE_PREFIX: prefix }
      : {};
  const label = queue === 'bullmq' ? ' (BullMQ)' : '';
  const receiver = await startReceiver();
  const store = await freshStore(kind);
  try {
    const base = await baselineLoop(receiver.url, n);
    const baseStats = await ask(receiver.child, { cmd: 'stats' }, 'stats');
    await ask(receiver.child, { cmd: 'reset' }, 'reset');
    // The ERP's way: rows in kgc_erp.support_outbox, written before the daemon starts.
    await withStore(store.env, async (ctx) => {
      for (let i = 0; i < n; i += 5000) {
        const m = Math.min(5000, n - i);
        await ctx.erp.query(
          `INSERT INTO kgc_erp.support_outbox (id, event, data) SELECT 'out-' || g, 'order.arrived', $1::jsonb FROM generate_series($2::int, $3::int) g`,
          [JSON.stringify(DATA), i, i + m - 1],
        );
      }
    });
    const daemon = startDaemon({ ...store.env, ...queueEnv, SUPPORT_API_URL: receiver.url });
    await daemon.url;
    let first = 0;
    let stats;
    const deadline = Date.now() + 300_000;
    for (;;) {
      stats = await ask(receiver.child, { cmd: 'stats' }, 'stats');
      if (stats.valid > 0 && !first) first = now();
      if (stats.unique >= n || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const rate = stats.unique / ((now() - first) / 1000);
    // Publish → receipt: one event at a time through the daemon's HTTP ingest.
    await ask(receiver.child, { cmd: 'watch', prefix: 'lat-' }, 'watching');
    const lat = await latencyRun(receiver.child, await daemon.url, store.env, opts.latencyEvents);
    await daemon.stop();
    const audited = await withStore(
      store.env,
      async (ctx) =>
        (
          await ctx.db.query(
            `SELECT count(*)::int AS n FROM kgc_support.audit_log WHERE kind = 'notification'`,
          )
        ).rows[0].n,
    );
    const lost = n - stats.unique;
    rows.push(
      row({
        scenario: `dispatch outbox → receiver${label}`,
        store: kind,
        rps: rate,
        baseline: { rps: base },
        target: '≥ 2000/s, ≥ 0.5 × baseline, 0 lost',
        verdict:
          rate >= 2000 && rate / base >= 0.5 && lost === 0 && stats.invalid === 0 ? 'PASS' : 'MISS',
        note: `${stats.unique} of ${n} delivered (${lost} lost, ${stats.duplicates} duplicates, ${stats.invalid} bad signatures; baseline bad signatures ${baseStats.invalid}); ${audited} notification audit rows`,
      }),
    );
    rows.push(
      row({
        scenario: `publish → receipt (HTTP ingest)${label}`,
        store: kind,
        p50: pct(lat, 50),
        p99: pct(lat, 99),
        target: 'p50 < 20 ms',
        verdict: pct(lat, 50) < 20 ? 'PASS' : 'MISS',
        note: `${lat.length} events one at a time, ~200/s`,
      }),
    );
  } finally {
    receiver.child.kill();
    await store.drop();
    if (queue === 'bullmq') await dropRedisPrefix(prefix).catch(() => {});
  }
  return rows;
}

async function redisAnswers() {
  const { Redis } = await import('ioredis');
  const r = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Removes the run's queue keys (SCAN + UNLINK, never KEYS). */
async function dropRedisPrefix(prefix) {
  const { Redis } = await import('ioredis');
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await r.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

async function latencyRun(receiverChild, url, env, count) {
  const key = await apiKey(url, env);
  const arrived = new Map();
  receiverChild.on('message', (m) => {
    if (!m.got) return;
    const w = arrived.get(m.got);
    if (typeof w === 'function') w(m.at);
    else arrived.set(m.got, m.at);
  });
  const agent = new Agent({ connections: 2 });
  const lat = [];
  for (let i = 0; i < count; i++) {
    const id = `lat-${i}`;
    const got = new Promise((resolve) => {
      const at = arrived.get(id);
      if (typeof at === 'number') resolve(at);
      else arrived.set(id, resolve);
    });
    const t0 = now();
    const res = await request(`${url}/api/events`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, event: 'order.arrived', data: DATA }),
    });
    await res.body.dump();
    lat.push((await got) - t0);
    await new Promise((r) => setTimeout(r, 4));
  }
  await agent.close();
  return lat;
}

/** A publishing key, issued through the running daemon's admin socket (the CLI's path). */
async function apiKey(_url, env) {
  const res = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'kgc-support.js'),
        '--json',
        'keys',
        'create',
        '--name',
        'bench-erp',
        '--scope',
        'erp:publish',
        '--rate-limit',
        '10000000/s',
      ],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (c) =>
      c === 0 ? resolve(out) : reject(new Error(`keys create exited ${c}`)),
    );
  });
  return JSON.parse(res).api_key;
}

export async function ingestScenario(opts, log) {
  const rows = [];
  for (const kind of opts.stores) {
    log(`\n[ingest] ${kind}: POST /api/events at a fixed 1,000/s, then as fast as it goes`);
    const receiver = await startReceiver();
    const store = await freshStore(kind);
    await withStore(store.env, async () => {});
    const daemon = startDaemon({
      ...store.env,
      SUPPORT_API_URL: receiver.url,
      ...(process.env.BENCH_INGEST_ENV ? JSON.parse(process.env.BENCH_INGEST_ENV) : {}),
    });
    try {
      const url = await daemon.url;
      const key = await apiKey(url, store.env);
      const body = JSON.stringify({ id: 'ing-[<id>]', event: 'order.arrived', data: DATA });
      const common = {
        url: `${url}/api/events`,
        method: 'POST',
        body,
        idReplacement: true,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      };
      const since = new Date().toISOString();
      const fixed = await paced({
        url: `${url}/api/events`,
        method: 'POST',
        body,
        headers: common.headers,
        rate: 1000,
        duration: opts.duration,
        warmup: opts.warmup,
      });
      const server = await serverLatency(store.env, '/api/events', since, fixed.requests);
      const floor = await pacedFloor(paced, 1000, opts.duration, 'POST');
      const max = await load({
        ...common,
        connections: opts.connections,
        duration: opts.duration,
        warmup: 1,
      });
      rows.push(
        row({
          scenario: 'ingest ack @ 1000/s (client)',
          store: kind,
          rps: fixed.rps,
          p50: fixed.latency_ms.p50,
          p99: fixed.latency_ms.p99,
          baseline: { rps: floor.rps, p99: floor.latency_ms.p99 },
          target: 'p99 < 5 ms',
          verdict:
            fixed.requests > 0 && fixed.latency_ms.p99 < 5 && fixed.non2xx + fixed.errors === 0
              ? 'PASS'
              : 'MISS',
          note: `${fixed.non2xx + fixed.errors ? `${fixed.non2xx} non-2xx, ${fixed.errors} errors; ` : ''}baseline: a trivial Fastify route at the same rate, same generator (p50 ${floor.latency_ms.p50.toFixed(2)} ms)`,
        }),
      );
      rows.push(
        row({
          scenario: 'ingest ack @ 1000/s (server)',
          store: kind,
          p50: server.p50,
          p99: server.p99,
          target: 'p99 < 5 ms',
          verdict: server.count > 0 && server.p99 < 5 ? 'PASS' : 'MISS',
          note: `from the daemon's audit log: ${server.count} requests, request read to answer handed to the socket (max ${server.max.toFixed(1)} ms)`,
        }),
      );
      rows.push(
        row({
          scenario: 'ingest (max)',
          store: kind,
          rps: max.rps,
          p50: max.latency_ms.p50,
          p99: max.latency_ms.p99,
          note: max.non2xx ? `${max.non2xx} non-2xx` : '',
        }),
      );
    } finally {
      await daemon.stop();
      receiver.child.kill();
      await store.drop();
    }
  }
  return rows;
}

/**
 * The seed's notifications (issue 19): 2,000 events published at 200/s with the key the
 * installer renders (KGC_SUPPORT_PUBLISH_KEY, imported at start with no rate of its own, so
 * the erp:publish default applies): no 429, and the ack latency.
 */
export async function seedPublishScenario(opts, log) {
  const rows = [];
  const { generateKey } = await import('../../dist/keys/key-format.js');
  const { cryptoRandom } = await import('../../dist/context/clock.js');
  for (const kind of opts.stores) {
    log(`\n[seed-publish] ${kind}: 2,000 events at 200/s with the installer's publish key`);
    const receiver = await startReceiver();
    const store = await freshStore(kind);
    await withStore(store.env, async () => {});
    const key = generateKey(cryptoRandom);
    const daemon = startDaemon({
      ...store.env,
      SUPPORT_API_URL: receiver.url,
      KGC_SUPPORT_PUBLISH_KEY: key,
    });
    try {
      const url = await daemon.url;
      const r = await paced({
        url: `${url}/api/events`,
        method: 'POST',
        body: JSON.stringify({ id: 'seed-[<id>]', event: 'order.arrived', data: DATA }),
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        rate: 200,
        duration: 10,
        warmup: 0,
      });
      rows.push(
        row({
          scenario: "seed publish 2,000 @ 200/s (installer's key)",
          store: kind,
          rps: r.rps,
          p50: r.latency_ms.p50,
          p99: r.latency_ms.p99,
          target: '0 × 429',
          verdict: r.requests === 2000 && r.status429 === 0 && r.errors === 0 ? 'PASS' : 'MISS',
          note: `${r.requests} sent, ${r.status429} × 429, ${r.non2xx} non-2xx, ${r.errors} errors`,
        }),
      );
    } finally {
      await daemon.stop();
      receiver.child.kill();
      await store.drop();
    }
  }
  return rows;
}
