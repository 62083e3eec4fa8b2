#!/usr/bin/env node
/**
 * `npm run soak`: the real daemon (bin/kgc-support.js serve, from dist/) for minutes
 * under steady Pull API load and event publishing, delivering to a receiver on
 * 127.0.0.1 that fails 20 % of the attempts. At the end every published event is
 * accounted for (delivered or dead-lettered, in the store and at the receiver), the
 * daemon's RSS is flat (first against last quartile of the samples) and its file
 * descriptors do not leak. Not part of `npm test`; all traffic stays on this machine.
 *
 * Settings (environment): SOAK_SECONDS (180), SOAK_API_RPS (30), SOAK_EVENTS_RPS (10),
 * SOAK_FAIL_RATE (0.2), SOAK_ENGINE (pglite | postgres, with SOAK_DATABASE_URL);
 * SOAK_NODE_OPTIONS and SOAK_MALLOC_ARENA_MAX become the daemon's NODE_OPTIONS and
 * MALLOC_ARENA_MAX, to compare runtime settings' effect on its memory.
 * Exits 1 when an event is unaccounted for, RSS grew, or descriptors leaked.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'kgc-support.js');
const num = (name, dflt) => (process.env[name] ? Number(process.env[name]) : dflt);
const SECONDS = num('SOAK_SECONDS', 180);
const API_RPS = num('SOAK_API_RPS', 30);
const EVENTS_RPS = num('SOAK_EVENTS_RPS', 10);
const FAIL_RATE = num('SOAK_FAIL_RATE', 0.2);
const ENGINE = process.env.SOAK_ENGINE ?? 'pglite';
const SCHEDULE = '0,100ms,300ms';
const ATTEMPTS = SCHEDULE.split(',').length;

const { generateKey } = await import(join(ROOT, 'dist', 'keys', 'key-format.js'));
const { memoryParts } = await import(join(ROOT, 'bench', 'lib', 'memory-parts.js'));
const { cryptoRandom } = await import(join(ROOT, 'dist', 'context', 'clock.js'));
const log = (m) => process.stderr.write(`[soak] ${m}\n`);

// The receiver: 20 % of attempts answer 500, the rest 204; counts attempts and successes per webhook-id.
const attempts = new Map();
const acked = new Map();
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/health') return void res.writeHead(200).end();
    const id = String(req.headers['webhook-id']);
    attempts.set(id, (attempts.get(id) ?? 0) + 1);
    if (Math.random() < FAIL_RATE) return void res.writeHead(500).end('soak: failing');
    acked.set(id, (acked.get(id) ?? 0) + 1);
    res.writeHead(204).end();
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const rxUrl = `http://127.0.0.1:${receiver.address().port}`;

const dataDir = mkdtempSync(join(tmpdir(), 'kgc-soak-'));
const readKey = generateKey(cryptoRandom);
const publishKey = generateKey(cryptoRandom);
const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  NO_COLOR: '1',
  KGC_SUPPORT_DATA_DIR: dataDir,
  KGC_SUPPORT_PORT: '0',
  KGC_SUPPORT_LOG_LEVEL: 'warn',
  KGC_API_KEY: readKey,
  KGC_SUPPORT_PUBLISH_KEY: publishKey,
  KGC_SUPPORT_RATE_LIMIT: '10000/s',
  SUPPORT_API_URL: rxUrl,
  SUPPORT_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
  KGC_SUPPORT_WEBHOOK_SCHEDULE: SCHEDULE,
  KGC_SUPPORT_WEBHOOK_JITTER: '0',
  KGC_SUPPORT_WEBHOOK_TIMEOUT: '2s',
  KGC_SUPPORT_WEBHOOK_POLL: '200ms',
  ...(ENGINE === 'postgres' ? { DATABASE_URL: process.env.SOAK_DATABASE_URL ?? '' } : {}),
  // Runtime settings to compare (e.g. NODE_OPTIONS=--max-semi-space-size=2, MALLOC_ARENA_MAX=2).
  ...(process.env.SOAK_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SOAK_NODE_OPTIONS } : {}),
  ...(process.env.SOAK_MALLOC_ARENA_MAX
    ? { MALLOC_ARENA_MAX: process.env.SOAK_MALLOC_ARENA_MAX }
    : {}),
};
const seeded = spawnSync(process.execPath, [BIN, 'demo', 'seed'], { env, encoding: 'utf8' });
if (seeded.status !== 0) throw new Error(`demo seed failed: ${seeded.stderr}`);

const daemon = spawn(process.execPath, [BIN, 'serve'], {
  env,
  stdio: ['ignore', 'ignore', 'pipe'],
});
let daemonErr = '';
const url = await new Promise((ok, fail) => {
  const t = setTimeout(() => fail(new Error(`daemon did not start:\n${daemonErr}`)), 180_000);
  daemon.stderr.on('data', (c) => {
    daemonErr += c.toString();
    const m = /listening on (http:\/\/\S+)/.exec(daemonErr);
    if (m) {
      clearTimeout(t);
      ok(m[1]);
    }
  });
  daemon.once('exit', (code) => fail(new Error(`daemon exited with ${code}:\n${daemonErr}`)));
});
log(
  `daemon ${daemon.pid} on ${url} (${ENGINE}); ${SECONDS} s, ${API_RPS} API req/s, ${EVENTS_RPS} events/s, receiver failing ${FAIL_RATE * 100} %`,
);

// Samples of the daemon's RSS and open descriptors, every 2 s.
const samples = [];
const fdCount = () => {
  const dir = `/proc/${daemon.pid}/fd`;
  const all = readdirSync(dir);
  let sockets = 0;
  const targets = [];
  for (const fd of all) {
    try {
      const target = readlinkSync(join(dir, fd));
      targets.push(target);
      if (target.startsWith('socket:')) sockets++;
    } catch {
      // closed meanwhile
    }
  }
  const dataFiles = targets.filter((t) => t.startsWith(dataDir)).length;
  return { fds: all.length, sockets, dataFiles, targets };
};
const sample = () => {
  const status = readFileSync(`/proc/${daemon.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  const { fds, sockets, dataFiles } = fdCount();
  samples.push({ t: Date.now(), rssMb: rssKb / 1024, fds, sockets, dataFiles });
};
// The clients' own connection pool: closed at the end, so that the daemon's sockets of it close too.
const clients = new Agent({ connections: 64, keepAliveTimeout: 4_000 });
const baseline = fdCount();
sample();
const sampler = setInterval(sample, 2_000);

const PULLS = [
  '/api/service/worklogs/M-2025-0123/status',
  '/api/rentals/R-2025-001/status',
  '/api/orders/O-2025-0456/status',
  '/api/customers/by-phone/+36301234567',
  '/api/inventory/check?sku=MAK-DGA452',
  '/api/support/health',
];
const api = { sent: 0, ok: 0, errors: new Map(), latencies: [] };
const published = new Set();
const pub = { sent: 0, accepted: 0, errors: new Map() };
const bump = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);
let inFlight = 0;

async function pull() {
  const path = PULLS[api.sent++ % PULLS.length];
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}${path}`, {
      headers: { 'x-api-key': readKey },
      dispatcher: clients,
    });
    await res.arrayBuffer();
    api.latencies.push(performance.now() - t0);
    if (res.status === 200) api.ok++;
    else bump(api.errors, res.status);
  } catch (err) {
    bump(api.errors, err.cause?.code ?? err.message);
  }
}
async function publish() {
  const id = `evt_soak_${randomUUID().replaceAll('-', '')}`;
  pub.sent++;
  try {
    const res = await fetch(`${url}/api/events`, {
      method: 'POST',
      dispatcher: clients,
      headers: { 'content-type': 'application/json', 'x-api-key': publishKey },
      body: JSON.stringify({
        id,
        event: 'order.arrived',
        data: {
          order_id: 'O-2025-0456',
          customer: { id: 'C-123', name: 'Kovács János', phone: '+36301234567' },
          items: [
            { sku: 'MAK-DGA452', name: 'Makita akkus fúró', quantity: 1, status: 'beérkezett' },
          ],
        },
      }),
    });
    await res.arrayBuffer();
    if (res.status === 202) {
      pub.accepted++;
      published.add(id);
    } else bump(pub.errors, res.status);
  } catch (err) {
    bump(pub.errors, err.cause?.code ?? err.message);
  }
}
/** Fires `fn` rps times a second for the soak's length (bounded count and time), at most 64 in flight. */
function steady(rps, fn, endAt) {
  return new Promise((done) => {
    const every = 1000 / rps;
    let next = Date.now();
    const tick = () => {
      const now = Date.now();
      if (now >= endAt) return done();
      while (next <= now) {
        next += every;
        if (inFlight < 64) {
          inFlight++;
          void fn().finally(() => inFlight--);
        }
      }
      setTimeout(tick, Math.max(1, next - Date.now()));
    };
    tick();
  });
}

const startedAt = Date.now();
const endAt = startedAt + SECONDS * 1000;
await Promise.all([steady(API_RPS, pull, endAt), steady(EVENTS_RPS, publish, endAt)]);
while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
log(
  `load done: ${api.sent} API requests, ${pub.accepted} events accepted; waiting for the queue to drain`,
);

// Drained: every accepted event delivered or dead (the schedule is ~1.5 s long).
const { loadConfig } = await import(join(ROOT, 'dist', 'config', 'config.js'));
const { openStore } = await import(join(ROOT, 'dist', 'store', 'open.js'));
const drainDeadline = Date.now() + 120_000;
for (;;) {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const pending = Number(/^kgc_support_events_pending (\d+)/m.exec(metrics)?.[1] ?? NaN);
  const inflight = Number(/^kgc_support_webhook_in_flight (\d+)/m.exec(metrics)?.[1] ?? 0);
  if (pending === 0 && inflight === 0) break;
  if (Date.now() > drainDeadline) {
    log(`queue not drained: pending ${pending}, in flight ${inflight}`);
    break;
  }
  await new Promise((r) => setTimeout(r, 250));
}
const drainedMs = Date.now() - endAt;
clearInterval(sampler);
sample();
// Where the memory is at the end (bench/scenarios/memory.js prints it beside the RSS).
const memoryAtEnd = memoryParts(await (await fetch(`${url}/metrics`)).text());
// With the clients' connections closed, the daemon's descriptors are back to what they were before the load.
await clients.close();
let after = fdCount();
for (const until = Date.now() + 10_000; after.fds > baseline.fds && Date.now() < until;) {
  await new Promise((r) => setTimeout(r, 200));
  after = fdCount();
}
daemon.kill('SIGTERM');
const code = await new Promise((r) => daemon.once('exit', r));

const config = loadConfig({ ...env, KGC_SUPPORT_LOG_LEVEL: 'silent' });
const silent = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  trace() {},
  fatal() {},
  child() {
    return silent;
  },
};
const store = await openStore({ config, logger: silent, command: 'soak', migrate: false });
const { rows } = await store.db.query(
  `SELECT id, status FROM kgc_support.events WHERE id LIKE 'evt_soak_%'`,
);
await store.close();
receiver.close();

const status = new Map(rows.map((r) => [r.id, r.status]));
const byStatus = {};
for (const s of status.values()) byStatus[s] = (byStatus[s] ?? 0) + 1;
const missing = [...published].filter((id) => !status.has(id));
const unsettled = [...published].filter((id) => !['delivered', 'dead'].includes(status.get(id)));
const deliveredNotAcked = [...status].filter(([id, s]) => s === 'delivered' && !acked.has(id));
const deadButAcked = [...status].filter(([id, s]) => s === 'dead' && acked.has(id));
const deadShort = [...status].filter(([id, s]) => s === 'dead' && attempts.get(id) !== ATTEMPTS);
const repeats = [...acked.values()].filter((n) => n > 1).length;

const q = Math.max(1, Math.floor(samples.length / 4));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rssFirst = mean(samples.slice(0, q).map((s) => s.rssMb));
const rssLast = mean(samples.slice(-q).map((s) => s.rssMb));
const fdFirst = Math.max(...samples.slice(0, q).map((s) => s.fds));
const fdLast = Math.max(...samples.slice(-q).map((s) => s.fds));
const lat = [...api.latencies].sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]?.toFixed(1);

function countFiles(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true }))
    n += e.isDirectory() ? countFiles(join(dir, e.name)) : 1;
  return n;
}

/** What the daemon opened during the load and still holds: counted by kind (a directory, or pipe/anon). */
function newFds() {
  const before = new Set(baseline.targets);
  const kinds = {};
  for (const t of after.targets.filter((x) => !before.has(x))) {
    const kind = t.startsWith('/') ? t.replace(/\/[^/]*$/, '/') : t.replace(/\[.*$/, '');
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

const report = {
  engine: ENGINE,
  seconds: SECONDS,
  memory_mb_at_end: memoryAtEnd,
  api: {
    sent: api.sent,
    ok: api.ok,
    errors: Object.fromEntries(api.errors),
    p50_ms: pct(50),
    p99_ms: pct(99),
  },
  events: {
    sent: pub.sent,
    accepted: pub.accepted,
    publish_errors: Object.fromEntries(pub.errors),
    in_store: byStatus,
    missing: missing.length,
    unsettled: unsettled.length,
    delivered_but_receiver_never_said_2xx: deliveredNotAcked.length,
    dead_but_receiver_said_2xx: deadButAcked.length,
    dead_without_all_attempts: deadShort.length,
    answered_2xx_more_than_once: repeats,
    receiver_attempts: [...attempts.values()].reduce((a, b) => a + b, 0),
    drained_ms_after_load: drainedMs,
  },
  daemon: {
    exit_code: code,
    samples: samples.length,
    rss_mb_first_quartile: Number(rssFirst.toFixed(1)),
    rss_mb_last_quartile: Number(rssLast.toFixed(1)),
    rss_mb_max: Number(Math.max(...samples.map((s) => s.rssMb)).toFixed(1)),
    fds_first_quartile_max: fdFirst,
    fds_last_quartile_max: fdLast,
    fds_before_load: baseline.fds,
    fds_after_load_clients_closed: after.fds,
    sockets_before_load: baseline.sockets,
    sockets_after_load_clients_closed: after.sockets,
    fds_opened_during_load: newFds(),
    data_files_open_mid_run: samples[Math.floor(samples.length / 2)]?.dataFiles,
    data_files_open_at_end: after.dataFiles,
    data_files_in_store: countFiles(dataDir),
  },
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

const failures = [];
if (missing.length || unsettled.length) failures.push('events not accounted for');
if (deliveredNotAcked.length || deadButAcked.length || deadShort.length)
  failures.push('the store and the receiver disagree');
if (api.errors.size || pub.errors.size) failures.push('requests failed');
if (rssLast > rssFirst * 1.2 + 16) failures.push('RSS grew');
// PostgreSQL (PGlite) keeps the relation files it touched open, up to max_files_per_process:
// a cache bounded by the number of tables and indexes, not a leak. Everything else must return.
const others = (c) => c.fds - c.dataFiles;
if (others(after) > others(baseline) + 4) failures.push('file descriptors leaked');
if (code !== 0) failures.push(`the daemon exited with ${code}`);
rmSync(dataDir, { recursive: true, force: true });
if (failures.length) {
  log(`FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
log(
  'passed: every event delivered or dead-lettered and accounted for; RSS flat; no descriptor leak',
);
