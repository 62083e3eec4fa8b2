// Scenario 6: the real daemon's resident memory on each store, at rest, under the by-phone
// load and after a soak (scripts/soak.mjs: steady API load and event delivery for
// --soak-seconds), with where it is: the engine's WebAssembly heap and its thread's
// JavaScript heap (embedded store), the main thread's heap and the memory outside it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchPhone, sample } from '../lib/data.js';
import { load } from '../lib/load.js';
import { describeParts, memoryParts } from '../lib/memory-parts.js';
import { row } from '../lib/report.js';
import { ensureDatabase, startBenchDaemon } from './pull-api.js';

const BIN = fileURLToPath(new URL('../../bin/kgc-support.js', import.meta.url));
const SOAK = fileURLToPath(new URL('../../scripts/soak.mjs', import.meta.url));
const rssMb = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const target = (kind) => (kind === 'pglite' ? 200 : 150);

export async function memoryScenario(opts, log) {
  const rows = [];
  for (const kind of opts.stores) {
    rows.push(...(await restAndLoad(kind, opts, log)));
    if (opts.soakSeconds > 0) rows.push(await soak(kind, opts, log));
  }
  return rows;
}

async function restAndLoad(kind, opts, log) {
  log(`\n[memory] the real binary on ${kind}: at rest, then under by-phone`);
  // Prepare the data and a key with the in-process daemon, then hand the store to the binary.
  const { daemon, key } = await startBenchDaemon(kind, log);
  const env = {
    ...process.env,
    KGC_SUPPORT_DATA_DIR: daemon.ctx.config.dataDir,
    KGC_SUPPORT_PORT: '0',
    KGC_SUPPORT_LOG_LEVEL: 'warn',
    KGC_SUPPORT_PG_POOL_MAX: '16',
  };
  if (daemon.ctx.config.databaseUrl) env.DATABASE_URL = daemon.ctx.config.databaseUrl;
  await daemon.close();
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  try {
    const url = await new Promise((resolve, reject) => {
      const t = setInterval(() => {
        const m = /listening on (http:\/\/\S+)/.exec(err);
        if (m) {
          clearInterval(t);
          resolve(m[1]);
        }
      }, 50);
      child.once('exit', (c) => {
        clearInterval(t);
        reject(new Error(`serve exited ${c}: ${err}`));
      });
    });
    const parts = async () => memoryParts(await (await fetch(`${url}/metrics`)).text());
    await new Promise((r) => setTimeout(r, 2000));
    const atRest = rssMb(child.pid);
    const restParts = await parts();
    let peak = atRest;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(child.pid));
    }, 200);
    const ids = sample(opts.customers, 2000);
    const res = await load({
      url,
      connections: opts.connections,
      duration: opts.duration,
      warmup: opts.warmup,
      headers: { authorization: `Bearer ${key}` },
      requests: ids.map((i) => ({
        path: `/api/customers/by-phone/${encodeURIComponent(benchPhone(i))}`,
      })),
    });
    clearInterval(sampler);
    const loadParts = await parts();
    return [
      row({
        scenario: 'daemon RSS at rest (MB)',
        store: kind,
        p50: atRest,
        target: '',
        verdict: '',
        note: describeParts(restParts),
      }),
      row({
        scenario: 'daemon RSS under by-phone (MB)',
        store: kind,
        rps: res.rps,
        p50: peak,
        target: `≤ ${target(kind)} MB`,
        verdict: peak <= target(kind) ? 'PASS' : 'MISS',
        note: `peak; after the load: ${describeParts(loadParts)}`,
      }),
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/** scripts/soak.mjs on `kind` (a fresh store): the RSS of its last quartile and its peak. */
async function soak(kind, opts, log) {
  log(`[memory] ${kind}: a ${opts.soakSeconds} s soak (scripts/soak.mjs)`);
  const env = { ...process.env, SOAK_SECONDS: String(opts.soakSeconds), SOAK_ENGINE: kind };
  if (kind === 'postgres')
    env.SOAK_DATABASE_URL = await ensureDatabase('kgc_bench_soak', { fresh: true });
  const child = spawn(process.execPath, [SOAK], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const code = await new Promise((r) => child.once('exit', r));
  const report = JSON.parse(out);
  const rss = report.daemon.rss_mb_last_quartile;
  return row({
    scenario: `daemon RSS after a ${opts.soakSeconds} s soak (MB)`,
    store: kind,
    p50: rss,
    p99: report.daemon.rss_mb_max,
    target: `≤ ${target(kind)} MB`,
    verdict: rss <= target(kind) ? 'PASS' : 'MISS',
    note: `last quartile (p99 column: peak); at the end: ${describeParts(report.memory_mb_at_end)}${code === 0 ? '' : `; the soak itself failed (exit ${code})`}`,
  });
}
