// Scenario 6: the real daemon's resident memory at rest and under the by-phone load.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchPhone, sample } from '../lib/data.js';
import { load } from '../lib/load.js';
import { row } from '../lib/report.js';
import { startBenchDaemon } from './pull-api.js';

const BIN = fileURLToPath(new URL('../../bin/kgc-support.js', import.meta.url));
const rssMb = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

export async function memoryScenario(opts, log) {
  const kind = opts.stores.includes('postgres') ? 'postgres' : 'pglite';
  log(`\n[memory] the real binary on ${kind}`);
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
    await new Promise((r) => setTimeout(r, 2000));
    const atRest = rssMb(child.pid);
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
    return [
      row({
        scenario: 'daemon RSS at rest (MB)',
        store: kind,
        p50: atRest,
        target: '',
        verdict: '',
      }),
      row({
        scenario: 'daemon RSS under by-phone (MB)',
        store: kind,
        rps: res.rps,
        p50: peak,
        target: '< 150 MB',
        verdict: peak < 150 ? 'PASS' : 'MISS',
        note: 'p50 column holds the MB figure',
      }),
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
