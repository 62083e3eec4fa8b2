// Scenario: by-phone with the Redis read cache (seed 5.1, 13), beside the same daemon
// without it, in the same run, on the same data and the same sampled phones
// (KGC_BENCH_CACHE_PHONES, default 200: the customers of a chatbot surge).
// ERP statements are counted by PostgreSQL itself: index and sequential scans of
// kgc_erp.customers (pg_stat_user_tables), one per by-phone statement; the daemon's
// own counters (/metrics) say how many reads were asked. Stale reads: after the load,
// rounds of "change the customer in the ERP, publish its event, read it back".
import { randomBytes } from 'node:crypto';
import { benchPhone, ensureBulkData, sample } from '../lib/data.js';
import { load } from '../lib/load.js';
import { row } from '../lib/report.js';
import { startBenchDaemon } from './pull-api.js';

const REDIS_URL = process.env.KGC_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const STALE_ROUNDS = 200;
const PHONES = Number(process.env.KGC_BENCH_CACHE_PHONES ?? 200);

async function start(kind, cache) {
  const prefix = cache ? `kgc-bench:${randomBytes(4).toString('hex')}:cache` : undefined;
  const { daemon, key } = await startBenchDaemon(
    kind,
    undefined,
    prefix ? { REDIS_URL, KGC_SUPPORT_CACHE_PREFIX: prefix } : {},
  );
  return { daemon, key, prefix };
}

/**
 * Scans of kgc_erp.customers so far. A PostgreSQL backend hands its counts over when
 * it goes idle, at the latest PGSTAT_IDLE_INTERVAL (10 s) later: read after 11 s.
 */
async function customerScans(erp) {
  await new Promise((r) => setTimeout(r, 11_000));
  const { rows } = await erp.query(
    `SELECT COALESCE(idx_scan, 0) + COALESCE(seq_scan, 0) AS n FROM pg_stat_user_tables WHERE schemaname = 'kgc_erp' AND relname = 'customers'`,
  );
  return Number(rows[0]?.n ?? 0);
}

async function metric(url, name, labels = '') {
  const text = await (await fetch(`${url}/metrics`)).text();
  const re = new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} ([0-9.e+]+)$`, 'gm');
  let sum = 0;
  for (const m of text.matchAll(re)) sum += Number(m[1]);
  return sum;
}

async function byPhoneRun(kind, cache, opts, ids, log) {
  const { daemon, key, prefix } = await start(kind, cache);
  try {
    await ensureBulkData(daemon.ctx.erp, opts.customers, log);
    const auth = { authorization: `Bearer ${key}` };
    const scans0 = await customerScans(daemon.ctx.erp);
    const asked0 = await metric(daemon.url, 'kgc_support_http_requests_total', 'by-phone');
    const result = await load({
      url: daemon.url,
      connections: opts.connections,
      duration: opts.duration,
      warmup: opts.warmup,
      headers: auth,
      requests: ids.map((i) => ({
        path: `/api/customers/by-phone/${encodeURIComponent(benchPhone(i))}`,
      })),
    });
    const asked =
      (await metric(daemon.url, 'kgc_support_http_requests_total', 'by-phone')) - asked0;
    const statements = (await customerScans(daemon.ctx.erp)) - scans0;
    const out = { result, asked, statements };
    if (cache) {
      const hit = await metric(daemon.url, 'kgc_support_read_cache_requests_total', 'result="hit"');
      const all = await metric(daemon.url, 'kgc_support_read_cache_requests_total');
      out.hitRatio = all ? hit / all : 0;
      out.bypass = await metric(
        daemon.url,
        'kgc_support_read_cache_requests_total',
        'result="bypass"',
      );
      out.miss = await metric(daemon.url, 'kgc_support_read_cache_requests_total', 'result="miss"');
      out.shared = await metric(
        daemon.url,
        'kgc_support_read_cache_requests_total',
        'result="shared"',
      );
      out.stale = await staleRounds(daemon, auth, ids);
      await dropPrefix(prefix);
    }
    return out;
  } finally {
    await daemon.close();
  }
}

/** Change a customer in the ERP, publish the event that says so, read it back: how often is it old? */
async function staleRounds(daemon, auth, ids) {
  let stale = 0;
  for (let r = 0; r < STALE_ROUNDS; r++) {
    const i = ids[r % ids.length];
    const path = `${daemon.url}/api/customers/by-phone/${encodeURIComponent(benchPhone(i))}`;
    const before = await (await fetch(path, { headers: auth })).json(); // cached now
    const next = before.payment_status === 'late' ? 'good' : 'late';
    await daemon.ctx.erp.query(`UPDATE kgc_erp.customers SET payment_status = $1 WHERE id = $2`, [
      next,
      before.customer_id,
    ]);
    const res = await fetch(`${daemon.url}/api/events`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        event: 'rental.ended',
        data: {
          rental_id: `R-STALE-${r}`,
          customer: { id: before.customer_id },
          satisfaction_survey: false,
        },
      }),
    });
    if (res.status !== 202) throw new Error(`publish answered ${res.status}`);
    const after = await (await fetch(path, { headers: auth })).json();
    if (after.payment_status !== next) stale++;
  }
  return stale;
}

async function dropPrefix(prefix) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function cacheScenario(opts, log) {
  const rows = [];
  // A surge: the customers chatting right now ask again and again within the TTL. Both
  // runs read the same phones; every connection walks them in the same order.
  const ids = sample(opts.customers, PHONES);
  for (const kind of opts.stores) {
    log(
      `\n[cache] ${kind}: by-phone over ${PHONES} phones without the cache (baseline), then with it (${opts.connections} connections, ${opts.duration} s each after a ${opts.warmup} s warm-up)`,
    );
    const base = await byPhoneRun(kind, false, opts, ids, log);
    const ours = await byPhoneRun(kind, true, opts, ids, log);
    // An engine that keeps no statistics (the baseline counts no statement) gives no ERP figure.
    const counted = base.statements > 0;
    const saved = counted && ours.asked ? 1 - ours.statements / ours.asked : undefined;
    const errors = ours.result.errors + ours.result.non2xx;
    log(
      `[cache] ${kind}: without: ${base.asked} reads, ${base.statements} ERP statements; with: ${ours.asked} reads, ${ours.statements} ERP statements, hit ratio ${(ours.hitRatio * 100).toFixed(1)} % (${ours.shared} shared a read in flight, ${ours.miss} misses, ${ours.bypass} bypasses), stale reads ${ours.stale}/${STALE_ROUNDS}`,
    );
    rows.push(
      row({
        scenario: 'by-phone with Redis cache (max)',
        store: kind,
        rps: ours.result.rps,
        p50: ours.result.latency_ms.p50,
        p99: ours.result.latency_ms.p99,
        baseline: { rps: base.result.rps, p99: base.result.latency_ms.p99 },
        target: 'stale reads 0, ERP statements < reads',
        verdict: ours.stale === 0 && (!counted || ours.statements < ours.asked) ? 'PASS' : 'MISS',
        note: `hit ratio ${(ours.hitRatio * 100).toFixed(1)} % (+${ours.shared} shared a read in flight), ${counted ? `ERP statements saved ${(saved * 100).toFixed(1)} % (${ours.statements} for ${ours.asked} reads; without: ${base.statements} for ${base.asked})` : 'ERP statements: no statistics on this engine'}, stale ${ours.stale}/${STALE_ROUNDS}${errors ? `, ${errors} errors` : ''}`,
      }),
    );
  }
  return rows;
}
