#!/usr/bin/env node
// CPU per request, ours beside the bare route, for by-phone and worklog-status on one
// store: the server runs in this process, the load in a child, and the process's CPU time
// over the measured run is divided by the requests served. Unlike req/s this hardly moves
// with what else the machine runs, so it compares routes on a loaded machine too.
//   npm run build && node bench/cpu-per-request.js [--store postgres] [--duration 5] [--customers 1000000]
import { parseArgs } from 'node:util';
import { benchPhone, benchWorklog, ensureBulkData, sample } from './lib/data.js';
import { load } from './lib/load.js';
import { bareApp, startBenchDaemon } from './scenarios/pull-api.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'postgres' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    customers: { type: 'string', default: '1000000' },
  },
});
const log = (m) => process.stderr.write(`${m}\n`);
const customers = Number(values.customers);
const { daemon, key } = await startBenchDaemon(values.store, log);
try {
  await ensureBulkData(daemon.ctx.erp, customers, log);
  const bare = await bareApp(daemon.ctx.erp);
  const ids = sample(customers, 2000);
  const routes = [
    [
      'by-phone',
      (i) => `/bare/by-phone/${encodeURIComponent(benchPhone(i))}`,
      (i) => `/api/customers/by-phone/${encodeURIComponent(benchPhone(i))}`,
      ids,
    ],
    [
      'worklog-status',
      (i) => `/bare/worklog/${benchWorklog(i)}`,
      (i) => `/api/service/worklogs/${benchWorklog(i)}/status`,
      ids.map((i) => i - (i % 3) || 3),
    ],
  ];
  const measure = async (url, headers, paths) => {
    const warm = {
      url,
      headers,
      connections: Number(values.connections),
      requests: paths.map((path) => ({ path })),
    };
    await load({ ...warm, duration: 2, warmup: 0 });
    const t0 = process.cpuUsage();
    const res = await load({ ...warm, duration: Number(values.duration), warmup: 0 });
    const cpu = process.cpuUsage(t0);
    const requests = res.requests ?? Math.round(res.rps * Number(values.duration));
    return {
      us: (cpu.user + cpu.system) / requests,
      rps: res.rps,
      errors: (res.errors ?? 0) + (res.non2xx ?? 0),
    };
  };
  for (const [name, barePath, fullPath, which] of routes) {
    const b = await measure(bare.url, {}, which.map(barePath));
    const o = await measure(daemon.url, { authorization: `Bearer ${key}` }, which.map(fullPath));
    log(
      `${values.store} ${name}: CPU per request bare ${b.us.toFixed(1)} µs, ours ${o.us.toFixed(1)} µs (bare/ours ${(b.us / o.us).toFixed(2)}); req/s ${Math.round(b.rps)} vs ${Math.round(o.rps)}${o.errors ? `; ${o.errors} errors` : ''}`,
    );
  }
  await bare.app.close();
} finally {
  await daemon.close();
}
