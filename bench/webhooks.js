// Webhook dispatcher figures (issue 3's closing note; the formal benchmark is issue 7).
//   npm run build && node bench/webhooks.js [pglite|postgres] [events]
// Three processes: this one (publisher, baseline client), a receiver, the daemon binary.
//  1. baseline: a plain undici POST loop (64 in flight) against the receiver;
//  2. throughput: N events already queued, the daemon started: deliveries per second;
//  3. latency: events POSTed one by one to /api/events (about 200/s): publish → receipt.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import pg from 'pg';

const kind = process.argv[2] ?? 'pglite';
const N = Number(process.argv[3] ?? 20000);
const root = join(import.meta.dirname, '..');
const dist = (p) => import(join(root, 'dist', p));
const now = () => performance.timeOrigin + performance.now();

const receiverSrc = `
  const http = require('node:http');
  let count = 0;
  http.createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      count++;
      const id = req.headers['webhook-id'];
      if (typeof id === 'string' && id.startsWith('lat-')) process.send({ got: id });
      res.writeHead(204); res.end();
    });
  }).listen(0, '127.0.0.1', function () { process.send({ port: this.address().port }); });
  process.on('message', (m) => {
    if (m === 'count') process.send({ count });
    if (m === 'reset') { count = 0; process.send({ ok: 1 }); }
  });
`;

function ask(child, msg, key) {
  return new Promise((resolve) => {
    const on = (m) => { if (key in m) { child.off('message', on); resolve(m); } };
    child.on('message', on);
    child.send(msg);
  });
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };

const receiver = fork('-e', [receiverSrc], { execArgv: ['-e', receiverSrc], stdio: 'inherit' });
const { port } = await new Promise((r) => receiver.once('message', r));
const supportUrl = `http://127.0.0.1:${port}`;

// 1. Baseline.
{
  const agent = new Agent({ connections: 64 });
  const body = JSON.stringify({ id: 'x', event: 'order.arrived', data: { order_id: 'O-1' } });
  let next = 0;
  const t0 = now();
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < N) {
      next++;
      const res = await request(`${supportUrl}/webhook/kgc/order-arrived`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'webhook-id': `b${next}` }, dispatcher: agent });
      await res.body.dump();
    }
  }));
  const secs = (now() - t0) / 1000;
  console.log(`baseline: plain undici POST loop, 64 in flight: ${Math.round(N / secs)} requests/s`);
  await agent.close();
}

// The store.
const dataDir = mkdtempSync(join(tmpdir(), 'kgc-bench-'));
let dbName;
const env = {
  KGC_SUPPORT_DATA_DIR: dataDir, KGC_SUPPORT_LOG_LEVEL: 'silent', SUPPORT_API_URL: supportUrl, KGC_SUPPORT_PORT: '0',
  SUPPORT_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAbCdEfGh', KGC_SUPPORT_RATE_LIMIT: '100000/s',
};
if (kind === 'postgres') {
  dbName = `kgc_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect(); await admin.query(`CREATE DATABASE ${dbName}`); await admin.end();
  env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${dbName}`;
}
const { loadConfig } = await dist('config/config.js');
const { openStore } = await dist('store/open.js');
const { insertEvents, newEventId } = await dist('events/events.service.js');
const { createKey } = await dist('keys/keys.service.js');
const { silentLogger } = await dist('context/logger.js');
const { cryptoRandom, systemClock } = await dist('context/clock.js');
const config = loadConfig(env);
const store = await openStore({ config, logger: silentLogger, command: 'bench' });
const ctx = { config, db: store.db, erp: store.erp, logger: silentLogger, clock: systemClock, random: cryptoRandom, actor: 'bench' };
const data = { order_id: 'O-2025-0456', customer: { id: 'C-123', name: 'Kovács János', phone: '+36301234567' }, items: [{ sku: 'MAK-DGA452', name: 'Makita akkus fúró', quantity: 2, status: 'beérkezett' }] };
for (let i = 0; i < N; i += 1000) {
  const batch = Array.from({ length: Math.min(1000, N - i) }, () => ({ id: newEventId(ctx), type: 'order.arrived', occurredAt: new Date(), data, error: null }));
  await ctx.db.tx((q) => insertEvents(q, batch, 'cli', new Date()));
}
const key = (await createKey(ctx, { name: 'bench', scopes: ['erp:publish'] })).api_key;
await store.close();
await ask(receiver, 'reset', 'ok');

// 2. Throughput: start the daemon on a full queue.
const daemon = spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), join(root, 'bin', 'kgc-support.js'), 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
let err = '';
const url = await new Promise((resolve, reject) => {
  daemon.stderr.on('data', (c) => { err += c; const m = /listening on (http:\/\/\S+)/.exec(err); if (m) resolve(m[1]); });
  daemon.once('exit', (c) => reject(new Error(`daemon exited ${c}: ${err}`)));
});
let first = 0;
for (;;) {
  const { count } = await ask(receiver, 'count', 'count');
  if (count > 0 && !first) first = now();
  if (count >= N) break;
  await new Promise((r) => setTimeout(r, 5));
}
const secs = (now() - first) / 1000;
console.log(`dispatcher on ${kind}: ${N} queued events delivered in ${secs.toFixed(2)} s: ${Math.round(N / secs)} deliveries/s (concurrency ${config.webhookConcurrency}, batch ${config.webhookBatch})`);

// 3. Latency: one event at a time through POST /api/events, paced. Receipt is when the
// receiver's message about it arrives here (so IPC is counted in: an upper bound).
const lat = [];
const arrived = new Map();
receiver.on('message', (m) => { if (m.got) { const w = arrived.get(m.got); if (typeof w === 'function') w(now()); else arrived.set(m.got, now()); } });
const agent = new Agent({ connections: 4 });
const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 1000);
for (let i = 0; i < LATENCY_EVENTS; i++) {
  const id = `lat-${i}`;
  const t0 = now();
  const got = new Promise((resolve) => { const at = arrived.get(id); if (typeof at === 'number') resolve(at); else arrived.set(id, resolve); });
  const res = await request(`${url}/api/events`, { method: 'POST', dispatcher: agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ id, event: 'order.arrived', data }) });
  await res.body.dump();
  if (res.statusCode !== 202) throw new Error(`publish answered ${res.statusCode}`);
  lat.push((await got) - t0);
  await new Promise((r) => setTimeout(r, 4));
}
if (lat.length) console.log(`publish → receipt over HTTP on ${kind} (${lat.length} events, one at a time): p50 ${pct(lat, 50).toFixed(1)} ms, p90 ${pct(lat, 90).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms, max ${Math.max(...lat).toFixed(1)} ms`);

await agent.close();
daemon.kill('SIGTERM');
await new Promise((r) => daemon.once('exit', r));
receiver.kill();
rmSync(dataDir, { recursive: true, force: true });
if (dbName) {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect(); await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`); await admin.end();
}
