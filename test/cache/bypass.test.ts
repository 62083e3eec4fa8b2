/**
 * Redis is an accelerator, not a dependency: with Redis cut, stalled or never there,
 * the Pull API answers from the database at once (no 5xx, no long hang), and an
 * invalidation lost while Redis was away never lets a stale entry be served after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheReads, createCacheApi, REDIS_PORT, type CacheApi } from './cache-api.js';
import { until } from '../helpers/receiver.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const WORKLOG = '/api/service/worklogs/M-2025-0123/status';

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

describe('read cache with Redis behind a proxy that fails', () => {
  let proxy: TcpProxy;
  let t: CacheApi;
  beforeAll(async () => {
    proxy = await startTcpProxy('127.0.0.1', REDIS_PORT);
    t = await createCacheApi('pglite', { redisPort: proxy.port });
  });
  afterAll(async () => {
    await proxy?.restore();
    await t?.close();
    await proxy?.close();
  });

  it('answers from the database while Redis is cut, and serves nothing stale when it is back', async () => {
    const first = await t.get(WORKLOG);
    expect(first.status).toBe(200);
    const before = t.erpQueries();
    expect((await t.get(WORKLOG)).status).toBe(200);
    expect(t.erpQueries(), 'a hit while Redis is up').toBe(before);

    await proxy.cut();
    for (let i = 0; i < 5; i += 1) {
      const [res, ms] = await timed(() => t.get(WORKLOG));
      expect(res).toEqual(first);
      expect(ms, 'no long hang').toBeLessThan(1_000);
    }
    expect((await cacheReads(t.metrics)).bypass).toBeGreaterThanOrEqual(5);

    // The ERP changes the worklog and says so while Redis is away: the event is still accepted.
    await t.ctx.erp.query(`UPDATE kgc_erp.worklogs SET status = 'kész' WHERE id = 'M-2025-0123'`);
    expect(
      await t.publish('service.repair_done', {
        worklog_id: 'M-2025-0123',
        customer: { id: 'C-456' },
        pickup_info: {},
      }),
    ).toBe(202);
    expect((await t.get(WORKLOG)).body.status).toBe('kész');

    // Redis comes back with the old entry still in it: it must never be served.
    await proxy.restore();
    const hitsBefore = (await cacheReads(t.metrics)).hit;
    let stale = 0;
    await until(
      async () => {
        if ((await cacheReads(t.metrics)).hit >= hitsBefore + 3) return true;
        const res = await t.get(WORKLOG);
        expect(res.status).toBe(200);
        if (res.body.status !== 'kész') stale += 1;
        return false;
      },
      10_000,
      'the cache to serve again (3 hits)',
    );
    expect(stale).toBe(0);
  });

  it('answers within the command timeout while Redis hangs', async () => {
    const path = '/api/rentals/R-2025-001/status';
    const first = await t.get(path);
    await proxy.cut('stall');
    try {
      for (let i = 0; i < 3; i += 1) {
        const [res, ms] = await timed(() => t.get(path));
        expect(res).toEqual(first);
        expect(ms, 'bounded by KGC_SUPPORT_CACHE_TIMEOUT, not by the hang').toBeLessThan(1_000);
      }
    } finally {
      await proxy.restore();
    }
  });
});

describe('read cache with no Redis listening', () => {
  let t: CacheApi;
  beforeAll(async () => {
    t = await createCacheApi('pglite', { redisPort: 1 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('starts and answers every read from the database', async () => {
    expect(t.cache).toBeDefined();
    for (const path of [WORKLOG, '/api/customers/by-phone/%2B36301234567']) {
      const [res, ms] = await timed(() => t.get(path));
      expect(res.status).toBe(200);
      expect(ms).toBeLessThan(1_000);
    }
    const reads = await cacheReads(t.metrics);
    expect(reads.bypass).toBe(2);
    expect(reads.hit).toBe(0);
  });
});

describe('read cache with Redis down at start', () => {
  let proxy: TcpProxy;
  let t: CacheApi;
  beforeAll(async () => {
    proxy = await startTcpProxy('127.0.0.1', REDIS_PORT);
    await proxy.cut();
    t = await createCacheApi('pglite', { redisPort: proxy.port });
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
  });

  it('serves from the database, then from Redis once it comes up, without a restart', async () => {
    expect((await t.get(WORKLOG)).status).toBe(200);
    expect((await cacheReads(t.metrics)).bypass).toBe(1);
    await proxy.restore();
    await until(
      async () => {
        if ((await cacheReads(t.metrics)).hit > 0) return true;
        expect((await t.get(WORKLOG)).status).toBe(200);
        return false;
      },
      10_000,
      'the cache to reconnect by itself (a hit)',
    );
  });
});
