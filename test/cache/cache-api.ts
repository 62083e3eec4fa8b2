/**
 * The Pull API with the read cache on, in-process, over a test store with the demo
 * data: the Redis tier alone (real Redis, through an optional TCP proxy) unless the
 * in-process tier is asked for (`memory`), real PGlite or PostgreSQL. The
 * ERP side is counted honestly: every statement that reads the kgc_erp schema goes
 * through one counting wrapper of the database handle (erp and db are one handle here).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { createDaemonCache, type TieredReadCache } from '../../src/cache/tiered-cache.js';
import type { Ctx } from '../../src/context/context.js';
import { seedDemo } from '../../src/erp/demo/seed.js';
import { createKey } from '../../src/keys/keys.service.js';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import type { Db } from '../../src/context/db.js';
import { composeApi } from '../../src/daemon/compose-app.js';
import { disabledLifecycle, NO_ERASURES, uniformRateLimit } from '../helpers/api.js';
import { createTestStore, type StoreKind, type TestStore } from '../helpers/store.js';

export const REDIS_PORT = 6379;

/** The same handle, counting the statements that read the ERP contract (schema kgc_erp). */
export function countingDb(db: Db): { db: Db; erpQueries: () => number } {
  let n = 0;
  const wrapped = new Proxy(db, {
    get(target, prop) {
      if (prop === 'query')
        return (sql: string, params?: readonly unknown[]) => {
          if (/kgc_erp\./.test(sql)) n += 1;
          return target.query(sql, params);
        };
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { db: wrapped, erpQueries: () => n };
}

export interface CacheApi {
  app: FastifyInstance;
  ctx: Ctx;
  ts: TestStore;
  cache: TieredReadCache | undefined;
  metrics: Metrics;
  prefix: string;
  redis: Redis;
  erpQueries: () => number;
  keys: { read: string; publish: string };
  module: { enabled: boolean };
  get(path: string, key?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  publish(event: string, data: unknown): Promise<number>;
  /** Keys under this run's prefix. */
  cachedKeys(): Promise<string[]>;
  close(): Promise<void>;
}

export async function createCacheApi(
  kind: StoreKind,
  opts: {
    redisPort?: number;
    env?: Record<string, string>;
    /** The in-process tier in front (off: the Redis tier alone is under test). */
    memory?: boolean;
    /** The Redis tier (default on). */
    redis?: boolean;
  } = {},
): Promise<CacheApi> {
  const prefix = `kgc-test:${process.pid}-${randomBytes(4).toString('hex')}:cache`;
  const ts = await createTestStore(kind, {
    env: {
      ...(opts.redis !== false
        ? { REDIS_URL: `redis://127.0.0.1:${opts.redisPort ?? REDIS_PORT}` }
        : {}),
      KGC_SUPPORT_CACHE_PREFIX: prefix,
      KGC_SUPPORT_CACHE_MEMORY: opts.memory ? '10000' : '0',
      ...uniformRateLimit('100000/s'),
      ...opts.env,
    },
  });
  const counted = countingDb(ts.store.db);
  const cache = await createDaemonCache(ts.config, ts.ctx.logger, {
    id: `test-${process.pid}`,
    peers: kind === 'postgres',
  });
  const ctx: Ctx = {
    ...ts.ctx,
    db: counted.db,
    erp: counted.db,
    ...(cache ? { cache } : {}),
  };
  await seedDemo(ctx);
  const read = (await createKey(ctx, { name: 'read', scopes: ['support:read'] })).api_key;
  const publishKey = (await createKey(ctx, { name: 'pub', scopes: ['erp:publish'] })).api_key;
  const metrics = createMetrics({ defaultMetrics: false });
  cache?.register(metrics.registry);
  const module = { enabled: true };
  // The daemon's own composition; the audit is written only when the test closes.
  const { app, audit } = await composeApi({
    ctx,
    metrics,
    moduleEnabled: () => module.enabled,
    auditFlushMs: 3_600_000,
    erasures: NO_ERASURES,
    lifecycle: disabledLifecycle,
  });
  await app.ready();
  const redis = new Redis(`redis://127.0.0.1:${REDIS_PORT}`);
  const cachedKeys = async () => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    return found.sort();
  };
  return {
    app,
    ctx,
    ts,
    cache,
    metrics,
    prefix,
    redis,
    erpQueries: counted.erpQueries,
    keys: { read, publish: publishKey },
    module,
    async get(path, key = read) {
      const res = await app.inject({ url: path, headers: { authorization: `Bearer ${key}` } });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> };
    },
    async publish(event, data) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/events',
        headers: { authorization: `Bearer ${publishKey}` },
        payload: { event, data },
      });
      if (res.statusCode >= 300) throw new Error(`publish ${event}: ${res.statusCode} ${res.body}`);
      return res.statusCode;
    },
    cachedKeys,
    async close() {
      await app.close();
      await audit.close();
      const keys = await cachedKeys();
      if (keys.length > 0) await redis.unlink(...keys);
      redis.disconnect();
      await cache?.close();
      await ts.close();
    },
  };
}

/** A counter's value by label, as /metrics would show it. */
export async function cacheReads(
  metrics: Metrics,
): Promise<{ hit: number; miss: number; bypass: number; shared: number }> {
  const m = await metrics.registry.getSingleMetric('kgc_support_read_cache_requests_total')?.get();
  const value = (result: string) => m?.values.find((v) => v.labels.result === result)?.value ?? 0;
  return {
    hit: value('hit'),
    miss: value('miss'),
    bypass: value('bypass'),
    shared: value('shared'),
  };
}
