/**
 * The Pull API's read cache (seed 5.1, 13) against real Redis and a real store:
 * reads are served from Redis (the ERP sees no statement), an event that changes an
 * answer drops it before the publisher is answered (no stale read after), errors
 * are never kept, the scope check still runs first, and personal data never lives
 * longer than the TTL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { until } from '../helpers/receiver.js';
import { STORE_KINDS } from '../helpers/store.js';
import { cacheReads, createCacheApi, type CacheApi } from './cache-api.js';

const READS = [
  '/api/customers/by-phone/06%2030%20123%204567',
  '/api/rentals/R-2025-001/status',
  '/api/service/worklogs/M-2025-0123/status',
  '/api/orders/O-2025-0456/status',
  '/api/orders/O-2025-0456/estimated-arrival',
  '/api/inventory/check?sku=MAK-DGA452',
  '/api/inventory/check?sku=MAK-DGA452&location=BP-01',
];

describe.each(STORE_KINDS)('read cache on %s', (kind) => {
  let t: CacheApi;
  beforeAll(async () => {
    t = await createCacheApi(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers every read from Redis the second time: the ERP sees no statement', async () => {
    for (const path of READS) {
      const before = t.erpQueries();
      const first = await t.get(path);
      expect(first.status, path).toBe(200);
      expect(t.erpQueries() - before, `${path}: first read goes to the ERP`).toBeGreaterThan(0);
      const mid = t.erpQueries();
      const second = await t.get(path);
      expect(second, path).toEqual(first);
      expect(t.erpQueries() - mid, `${path}: second read is a hit`).toBe(0);
    }
    const reads = await cacheReads(t.metrics);
    expect(reads.hit).toBeGreaterThanOrEqual(READS.length);
    expect(reads.miss).toBeGreaterThanOrEqual(READS.length);
    // Every spelling of a phone is one entry.
    const before = t.erpQueries();
    expect((await t.get('/api/customers/by-phone/%2B36-30-123-4567')).status).toBe(200);
    expect(t.erpQueries()).toBe(before);
  });

  it('shows its figures in /metrics', async () => {
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.body).toMatch(/kgc_support_read_cache_requests_total\{result="hit"\} [1-9]/);
    expect(res.body).toMatch(/kgc_support_read_cache_requests_total\{result="miss"\} [1-9]/);
    expect(res.body).toContain('kgc_support_read_cache_invalidations_total');
  });

  it('keeps no phone in a key name and nothing longer than the TTL', async () => {
    await t.get(READS[0] as string);
    const keys = await t.cachedKeys();
    expect(keys.some((k) => k.includes('36301234567'))).toBe(false);
    for (const k of keys.filter((k) => !/:(gen|epoch)$/.test(k))) {
      const ttl = await t.redis.pttl(k);
      expect(ttl, k).toBeGreaterThan(0);
      expect(ttl, k).toBeLessThanOrEqual(t.ctx.config.cacheTtlMs);
    }
    // Every entry about C-123 sits under its customer prefix (what the GDPR step matches).
    expect(keys).toContain(
      keys.find((k) => k.startsWith(`${t.prefix}:customer:C-123:by-phone:`)) ?? 'missing',
    );
  });

  it('never keeps an error answer', async () => {
    for (const path of [
      '/api/customers/by-phone/%2B36201111111',
      '/api/rentals/R-NOPE/status',
      '/api/inventory/check?sku=NOPE-1',
    ]) {
      for (let i = 0; i < 2; i += 1) {
        const before = t.erpQueries();
        expect((await t.get(path)).status, path).toBe(404);
        expect(t.erpQueries() - before, `${path} read ${i + 1}`).toBeGreaterThan(0);
      }
    }
    expect((await t.cachedKeys()).some((k) => k.includes('R-NOPE') || k.includes('NOPE-1'))).toBe(
      false,
    );
  });

  it('checks the scope and the module switch before the cache', async () => {
    const path = '/api/service/worklogs/M-2025-0123/status';
    expect((await t.get(path)).status).toBe(200);
    expect((await t.get(path, t.keys.publish)).status).toBe(403);
    expect((await t.get(path, 'kgc_not_a_key')).status).toBe(401);
    t.module.enabled = false;
    try {
      expect((await t.get(path)).status).toBe(503);
    } finally {
      t.module.enabled = true;
    }
  });

  it('drops a worklog and its customer when service.repair_done is stored: no stale read', async () => {
    const path = '/api/service/worklogs/M-2025-0123/status';
    const phonePath = '/api/customers/by-phone/%2B36309876543';
    const w0 = await t.get(path);
    const c0 = await t.get(phonePath);
    expect(w0.body.status).not.toBe('kész');
    // The ERP changes the row; until its event arrives the cached answer stands.
    await t.ctx.erp.query(`UPDATE kgc_erp.worklogs SET status = 'átadva' WHERE id = 'M-2025-0123'`);
    expect((await t.get(path)).body.status).toBe(w0.body.status);
    await t.publish('service.repair_done', {
      worklog_id: 'M-2025-0123',
      customer: { id: 'C-456' },
      pickup_info: {},
    });
    expect((await t.get(path)).body.status).toBe('átadva');
    // The by-phone answer counts open repairs: it went with the customer.
    expect((await t.get(phonePath)).body.pending_repairs).toBe(
      (c0.body.pending_repairs as number) - 1,
    );
  });

  it('drops by the phone of an event in the seed form, and by the order and its products', async () => {
    const phonePath = '/api/customers/by-phone/%2B36301234567';
    const orderPath = '/api/orders/O-2025-0456/status';
    const stockPath = '/api/inventory/check?sku=MAK-DGA452&location=BP-01';
    await t.get(phonePath);
    await t.get(orderPath);
    const s0 = await t.get(stockPath);
    await t.ctx.erp.query(
      `UPDATE kgc_erp.customers SET payment_status = 'late' WHERE id = 'C-123'`,
    );
    await t.ctx.erp.query(
      `UPDATE kgc_erp.orders SET status = 'beérkezett' WHERE id = 'O-2025-0456'`,
    );
    await t.ctx.erp.query(
      `UPDATE kgc_erp.inventory SET quantity = quantity + 3 WHERE sku = 'MAK-DGA452' AND location_id = 'BP-01'`,
    );
    // The seed's 3.1 form: {order_id, customer_phone, items}.
    await t.publish('order.arrived', {
      order_id: 'O-2025-0456',
      customer_phone: '+36301234567',
      items: [{ sku: 'MAK-DGA452', name: 'Makita akkus fúró', quantity: 3 }],
    });
    expect((await t.get(phonePath)).body.payment_status).toBe('late');
    expect((await t.get(orderPath)).body.status).toBe('beérkezett');
    expect((await t.get(stockPath)).body.total_available).toBe(
      (s0.body.total_available as number) + 3,
    );
  });

  it('drops what an outbox event changes once the daemon moves it', async () => {
    const { drainOutbox } = await import('../../src/events/outbox.js');
    const path = '/api/rentals/R-2025-001/status';
    const r0 = await t.get(path);
    await t.ctx.erp.tx(async (q) => {
      await q.query(
        `UPDATE kgc_erp.rentals SET status = 'returned', returned_on = rental_end WHERE id = 'R-2025-001'`,
      );
      await q.query(`INSERT INTO kgc_erp.support_outbox (event, data) VALUES ($1, $2)`, [
        'rental.ended',
        JSON.stringify({
          rental_id: 'R-2025-001',
          customer: { id: 'C-123' },
          satisfaction_survey: false,
        }),
      ]);
    });
    expect((await t.get(path)).body.status).toBe(r0.body.status);
    await drainOutbox(t.ctx);
    expect((await t.get(path)).body.status).toBe('returned');
  });

  it('serves 0 stale reads over 30 rounds of update, event, read', async () => {
    const path = '/api/service/worklogs/M-2025-0098/status';
    const statuses = ['diagnosztika', 'árajánlat', 'javítás', 'kész'];
    let stale = 0;
    for (let i = 0; i < 30; i += 1) {
      await t.get(path); // cached
      const next = statuses[i % statuses.length] as string;
      await t.ctx.erp.query(`UPDATE kgc_erp.worklogs SET status = $1 WHERE id = 'M-2025-0098'`, [
        next,
      ]);
      await t.publish('service.quote_ready', {
        worklog_id: 'M-2025-0098',
        customer: { id: 'C-124' },
        quote_amount: 1000 + i,
      });
      if ((await t.get(path)).body.status !== next) stale += 1;
    }
    expect(stale).toBe(0);
  });
});

describe('read cache TTL', () => {
  let t: CacheApi;
  beforeAll(async () => {
    t = await createCacheApi('pglite', { env: { KGC_SUPPORT_CACHE_TTL: '1s' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets an answer expire after the TTL when no event comes', async () => {
    const path = '/api/customers/by-phone/%2B36205551234';
    const first = await t.get(path);
    expect(first.status).toBe(200);
    await t.ctx.erp.query(
      `UPDATE kgc_erp.customers SET name = 'Szabó Éva Mária' WHERE id = 'C-501'`,
    );
    const changedAt = Date.now();
    expect((await t.get(path)).body.name).toBe(first.body.name);
    let name = first.body.name;
    await until(
      async () => {
        name = (await t.get(path)).body.name;
        return name !== first.body.name;
      },
      5_000,
      'the entry to expire within 5 s of a 1 s TTL',
    );
    expect(name).toBe('Szabó Éva Mária');
    // Not before the TTL: the answer stood on its cached value at first.
    expect(Date.now() - changedAt).toBeGreaterThanOrEqual(500);
  });
});

describe('read cache off', () => {
  it('has no Redis tier without REDIS_URL, and no cache at all with KGC_SUPPORT_CACHE=off', async () => {
    const { createReadCache } = await import('../../src/cache/read-cache.js');
    const { createDaemonCache } = await import('../../src/cache/tiered-cache.js');
    const { loadConfig } = await import('../../src/config/config.js');
    const { silentLogger } = await import('../../src/context/logger.js');
    const opts = { id: 'test', peers: false };
    expect(await createReadCache(loadConfig({}), silentLogger)).toBeUndefined();
    expect(
      await createDaemonCache(
        loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', KGC_SUPPORT_CACHE: 'off' }),
        silentLogger,
        opts,
      ),
    ).toBeUndefined();
    expect(
      await createDaemonCache(loadConfig({ KGC_SUPPORT_CACHE_MEMORY: '0' }), silentLogger, opts),
    ).toBeUndefined();
  });
});

describe('read cache and an invalidation during a database read', () => {
  let t: CacheApi;
  beforeAll(async () => {
    t = await createCacheApi('pglite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('makes one database read for a surge of requests for one answer', async () => {
    const cache = t.cache;
    if (!cache) throw new Error('the cache is on in this test');
    const key = { kind: 'by-phone', lookup: '+36209999999' } as const;
    let loads = 0;
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const load = async () => {
      loads += 1;
      await gate;
      return { value: { customer_id: 'C-SURGE' }, owner: { customer: 'C-SURGE' } };
    };
    const surge = Array.from({ length: 20 }, () => cache.read(key, load));
    // Every request is waiting on the one read in flight before it is let go.
    await vi.waitFor(async () => expect((await cacheReads(t.metrics)).shared).toBe(19));
    release();
    const answers = await Promise.all(surge);
    expect(answers.every((a) => a.customer_id === 'C-SURGE')).toBe(true);
    expect(loads).toBe(1);
  });

  it('does not keep a value read before an invalidation that ran meanwhile', async () => {
    const cache = t.cache;
    if (!cache) throw new Error('the cache is on in this test');
    const key = { kind: 'worklog', lookup: 'M-RACE-1' } as const;
    const owner = { customer: 'C-RACE' };
    let loads = 0;
    const v1 = await cache.read(key, async () => {
      loads += 1;
      // The ERP's change and its event land while this read is on its way back.
      await cache.invalidate([
        {
          type: 'service.quote_ready',
          data: { worklog_id: 'M-RACE-1', customer: { id: 'C-RACE' } },
        },
      ]);
      return { value: { status: 'old' }, owner };
    });
    expect(v1).toEqual({ status: 'old' }); // this caller saw the old row, as it would without a cache
    const load2 = async () => {
      loads += 1;
      return { value: { status: 'new' }, owner };
    };
    expect(await cache.read(key, load2)).toEqual({ status: 'new' });
    expect(await cache.read(key, load2)).toEqual({ status: 'new' });
    expect(loads, 'the old value was not kept; the new one was').toBe(2);
  });
});
