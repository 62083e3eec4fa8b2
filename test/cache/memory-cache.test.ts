/**
 * The read cache's in-process tier: reads answered from the daemon's memory (the ERP
 * sees no statement), the same invalidation rules as the Redis tier (an event drops
 * what it names before its publisher is answered; a read raced by an invalidation is
 * not kept; errors are never kept; the scope check runs first), bounded by the TTL
 * and by its size, in front of Redis when both are on, and cleared by an erasure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryReadCache } from '../../src/cache/memory-cache.js';
import { createErasureDeps } from '../../src/gdpr/deps.js';
import { erpStep } from '../../src/gdpr/steps/erp.step.js';
import { STORE_KINDS } from '../helpers/store.js';
import { createCacheApi, type CacheApi } from './cache-api.js';

const READS = [
  '/api/customers/by-phone/06%2030%20123%204567',
  '/api/rentals/R-2025-001/status',
  '/api/service/worklogs/M-2025-0123/status',
  '/api/orders/O-2025-0456/status',
  '/api/orders/O-2025-0456/estimated-arrival',
  '/api/inventory/check?sku=MAK-DGA452',
];

async function memoryReads(t: CacheApi): Promise<Record<string, number>> {
  const m = await t.metrics.registry
    .getSingleMetric('kgc_support_memory_cache_requests_total')
    ?.get();
  return Object.fromEntries((m?.values ?? []).map((v) => [String(v.labels.result), v.value]));
}

describe.each(STORE_KINDS)('the in-process read cache on %s', (kind) => {
  let t: CacheApi;
  beforeAll(async () => {
    t = await createCacheApi(kind, { memory: true, redis: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers every read from memory the second time: the ERP sees no statement', async () => {
    for (const path of READS) {
      const first = await t.get(path);
      expect(first.status, path).toBe(200);
      const before = t.erpQueries();
      expect(await t.get(path), path).toEqual(first);
      expect(t.erpQueries() - before, `${path}: second read is a hit`).toBe(0);
    }
    expect((await memoryReads(t)).hit).toBeGreaterThanOrEqual(READS.length);
    // Every spelling of a phone is one entry; the scope check still runs first.
    const before = t.erpQueries();
    expect((await t.get('/api/customers/by-phone/%2B36-30-123-4567')).status).toBe(200);
    expect((await t.get(READS[0] as string, t.keys.publish)).status).toBe(403);
    expect(t.erpQueries()).toBe(before);
  });

  it('drops what an event names before the publisher is answered: no stale read after', async () => {
    const path = '/api/customers/by-phone/%2B36301234567';
    expect((await t.get(path)).body.payment_status).toBe('good');
    await t.ctx.erp.query(
      `UPDATE kgc_erp.customers SET payment_status = 'late' WHERE id = 'C-123'`,
    );
    // The ERP changed without an event: the cached answer stands (until its TTL) ...
    expect((await t.get(path)).body.payment_status).toBe('good');
    // ... and the event that tells of it drops it at once.
    await t.publish('rental.ended', {
      rental_id: 'R-2025-001',
      customer: { id: 'C-123' },
      satisfaction_survey: false,
    });
    expect((await t.get(path)).body.payment_status).toBe('late');
    await t.ctx.erp.query(
      `UPDATE kgc_erp.customers SET payment_status = 'good' WHERE id = 'C-123'`,
    );
  });

  it('keeps no error: a missing customer is asked of the ERP every time', async () => {
    const path = '/api/customers/by-phone/%2B36209999999';
    expect((await t.get(path)).status).toBe(404);
    const before = t.erpQueries();
    expect((await t.get(path)).status).toBe(404);
    expect(t.erpQueries() - before).toBe(1);
  });

  it("drops a customer's answers at the erasure's ERP step", async () => {
    const rental = '/api/rentals/R-2025-001/status';
    expect((await t.get(rental)).status).toBe(200);
    const cached = t.erpQueries();
    expect((await t.get(rental)).status).toBe(200);
    expect(t.erpQueries()).toBe(cached);
    const deps = createErasureDeps(t.ctx, { memoryRoot: '/nonexistent' });
    try {
      const result = await erpStep.run({
        ctx: t.ctx,
        deps,
        request: {
          id: 'gdpr_l1',
          customerId: 'C-123',
          reason: 'user_request',
          mode: 'delete',
          lookupPhone: '+36301234567',
          lookupName: 'Kovács János',
          lookupEmail: null,
          phoneShared: false,
          triggerEventId: null,
        },
        ref: null,
        setRef: async (ref) => ref,
      });
      expect(result.kind).toBe('done');
    } finally {
      await deps.close();
    }
    // Gone from the ERP and from memory: the read goes to the ERP and finds nothing.
    const before = t.erpQueries();
    expect((await t.get(rental)).status).toBe(404);
    expect((await t.get('/api/customers/by-phone/%2B36301234567')).status).toBe(404);
    expect(t.erpQueries() - before).toBe(2);
  });
});

describe('the in-process tier in front of Redis', () => {
  let t: CacheApi;
  beforeAll(async () => {
    t = await createCacheApi('pglite', { memory: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('fills both tiers, serves from memory, falls back to Redis, and an event empties both', async () => {
    const path = '/api/service/worklogs/M-2025-0123/status';
    const first = await t.get(path);
    expect((await t.cachedKeys()).length).toBeGreaterThan(0);
    const before = t.erpQueries();
    expect(await t.get(path)).toEqual(first);
    expect((await memoryReads(t)).hit).toBe(1);
    // Memory lost (as after a missed notice): Redis answers, the ERP still sees nothing.
    t.cache?.clear();
    expect(await t.get(path)).toEqual(first);
    expect(t.erpQueries()).toBe(before);
    await t.publish('service.quote_ready', {
      worklog_id: 'M-2025-0123',
      customer: { id: 'C-456' },
      quote_amount: 1000,
    });
    expect(await t.get(path)).toEqual(first);
    expect(t.erpQueries(), 'both tiers were dropped').toBeGreaterThan(before);
  });
});

describe('the in-process tier on its own', () => {
  const owner = { customer: 'C-1' };
  const key = (lookup: string) => ({ kind: 'worklog', lookup }) as const;

  it('serves nothing past the TTL, and the sweep lets it go', async () => {
    let now = 0;
    const cache = new MemoryReadCache({
      prefix: 'p',
      ttlMs: 1_000,
      maxEntries: 10,
      now: () => now,
    });
    let loads = 0;
    const load = async () => ({ value: ++loads, owner });
    expect(await cache.read(key('a'), load)).toBe(1);
    now = 999;
    expect(await cache.read(key('a'), load)).toBe(1);
    now = 1_000;
    expect(await cache.read(key('a'), load)).toBe(2);
    now = 5_000;
    cache.sweep();
    expect(cache.size).toBe(0);
  });

  it('holds at most its size, letting the least recently used go', async () => {
    const cache = new MemoryReadCache({ prefix: 'p', ttlMs: 60_000, maxEntries: 2 });
    const load = (v: string) => async () => ({ value: v, owner });
    await cache.read(key('a'), load('a'));
    await cache.read(key('b'), load('b'));
    await cache.read(key('a'), load('x')); // a used again: b is now the oldest
    await cache.read(key('c'), load('c'));
    expect(cache.size).toBe(2);
    expect(await cache.read(key('a'), load('a2'))).toBe('a');
    expect(await cache.read(key('b'), load('b2'))).toBe('b2');
  });

  it('does not keep a value read before an invalidation that ran meanwhile', async () => {
    const cache = new MemoryReadCache({ prefix: 'p', ttlMs: 60_000, maxEntries: 10 });
    const event = { type: 'service.quote_ready', data: { worklog_id: 'M-1' } };
    const v1 = await cache.read(key('M-1'), async () => {
      cache.invalidate([event]);
      return { value: 'old', owner };
    });
    expect(v1).toBe('old');
    expect(await cache.read(key('M-1'), async () => ({ value: 'new', owner }))).toBe('new');
    expect(await cache.read(key('M-1'), async () => ({ value: 'newer', owner }))).toBe('new');
  });

  it('never files an answer whose owner the erasure could not match', async () => {
    const cache = new MemoryReadCache({ prefix: 'p', ttlMs: 60_000, maxEntries: 10 });
    let loads = 0;
    const load = async () => ({ value: ++loads, owner: { customer: 'C 1/../x' } });
    await cache.read(key('odd'), load);
    await cache.read(key('odd'), load);
    expect(loads).toBe(2);
    expect(cache.size).toBe(0);
  });
});
