#!/usr/bin/env node
// Where a by-phone request's CPU goes, ours against the bare route, on PostgreSQL:
//   npm run build && node bench/profile.js [--duration 10] [--connections 16]
// Needs wrk (apt-get install wrk) and the bench data (npm run bench creates it).
// Prints CPU µs per request (user, system) for both, and the functions and files whose
// self time per request grew the most; writes both .cpuprofile files to bench/tmp/
// (open them in Chrome DevTools or speedscope).
import Fastify from 'fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { CUSTOMERS_BY_PHONE } from '../dist/erp/erp.queries.js';
import { benchPhone, ensureBulkData, sample } from './lib/data.js';
import { wrkAvailable, wrkLoad } from './lib/wrk.js';
import { startBenchDaemon } from './scenarios/pull-api.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    customers: { type: 'string', default: '1000000' },
  },
});
if (!wrkAvailable()) throw new Error('bench/profile.js needs wrk: apt-get install wrk');
const log = (m) => process.stderr.write(`${m}\n`);
const { daemon, key } = await startBenchDaemon('postgres', log);
await ensureBulkData(daemon.ctx.erp, Number(values.customers), log);
const app = Fastify();
app.get(
  '/bare/by-phone/:phone',
  async (req) => (await daemon.ctx.erp.query(CUSTOMERS_BY_PHONE, [req.params.phone])).rows[0],
);
await app.listen({ port: 0, host: '127.0.0.1' });
const ids = sample(Number(values.customers), 2000);
const runs = [
  {
    name: 'bare',
    url: `http://127.0.0.1:${app.server.address().port}`,
    headers: {},
    paths: ids.map((i) => `/bare/by-phone/${encodeURIComponent(benchPhone(i))}`),
  },
  {
    name: 'ours',
    url: daemon.url,
    headers: { authorization: `Bearer ${key}` },
    paths: ids.map((i) => `/api/customers/by-phone/${encodeURIComponent(benchPhone(i))}`),
  },
];
const out = new URL('./tmp/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const session = new Session();
session.connect();
await session.post('Profiler.enable');
const measured = {};
for (const r of runs) {
  await wrkLoad({ ...r, connections: Number(values.connections), duration: 2, warmup: 0 });
  const cpu0 = process.cpuUsage();
  await session.post('Profiler.start');
  const res = await wrkLoad({
    ...r,
    connections: Number(values.connections),
    duration: Number(values.duration),
    warmup: 0,
  });
  const { profile } = await session.post('Profiler.stop');
  const cpu = process.cpuUsage(cpu0);
  writeFileSync(`${out}${r.name}.cpuprofile`, JSON.stringify(profile));
  measured[r.name] = {
    res,
    profile,
    userUs: cpu.user / res.requests,
    sysUs: cpu.system / res.requests,
  };
  log(
    `${r.name}: ${Math.round(res.rps)} req/s, p99 ${res.latency_ms.p99} ms, CPU per request ${(cpu.user / res.requests).toFixed(1)} µs user + ${(cpu.system / res.requests).toFixed(1)} µs system`,
  );
}
await app.close();
await daemon.close();
await session.post('Profiler.disable');
session.disconnect();

/** Self time per request (µs) by function and by file (package for node_modules). */
function selfTimes(profile, requests) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map();
  const file = new Map();
  profile.samples.forEach((id, i) => {
    const cf = nodes.get(id).callFrame;
    const url = cf.url.includes('node_modules/')
      ? cf.url.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
      : cf.url.replace(/.*\/(dist|src)\//, '$1/');
    const where = url || cf.functionName;
    const dt = (profile.timeDeltas[i] ?? 0) / requests;
    file.set(where, (file.get(where) ?? 0) + dt);
    const f = `${cf.functionName || '(anonymous)'} ${url}${url ? `:${cf.lineNumber + 1}` : ''}`;
    fn.set(f, (fn.get(f) ?? 0) + dt);
  });
  return { fn, file };
}
const a = selfTimes(measured.bare.profile, measured.bare.res.requests);
const b = selfTimes(measured.ours.profile, measured.ours.res.requests);
for (const by of ['file', 'fn']) {
  const keys = new Set([...a[by].keys(), ...b[by].keys()]);
  const rows = [...keys]
    .filter((k) => !k.startsWith('(idle)') && !k.startsWith('(program)'))
    .map((k) => [k, a[by].get(k) ?? 0, b[by].get(k) ?? 0])
    .sort((x, y) => y[2] - y[1] - (x[2] - x[1]))
    .slice(0, 20);
  process.stdout.write(
    `\nself time per request by ${by === 'fn' ? 'function' : 'file or package'} (µs): bare, ours, difference\n`,
  );
  for (const [k, x, y] of rows)
    process.stdout.write(
      `${x.toFixed(2).padStart(7)} ${y.toFixed(2).padStart(7)} ${(y - x).toFixed(2).padStart(7)}  ${k}\n`,
    );
}
process.stdout.write(
  `\nCPU per request: bare ${(measured.bare.userUs + measured.bare.sysUs).toFixed(1)} µs, ours ${(measured.ours.userUs + measured.ours.sysUs).toFixed(1)} µs; throughput ratio ${(measured.ours.res.rps / measured.bare.res.rps).toFixed(2)}\n`,
);
// The in-process inspector can keep the loop alive after the report: leave explicitly.
process.exit(0);
