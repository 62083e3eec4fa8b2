/**
 * A customer's erasure reaches the read cache: the GDPR Redis step (step 5) finds
 * every cached answer about the customer under its pattern and unlinks it, and the
 * customer.deleted event the cascade publishes (step 2) drops the lookups that led to
 * them, so nothing under the cache's prefix names the customer afterwards; the
 * erasure hook every cache layer implements (forgetCustomer, called by step store)
 * does the same in one call. Other customers' entries stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErasureDeps } from '../../src/gdpr/deps.js';
import { redisStep } from '../../src/gdpr/steps/redis.step.js';
import type { StepContext } from '../../src/gdpr/steps/step.js';
import { createCacheApi, type CacheApi } from './cache-api.js';

const C123_READS = [
  '/api/customers/by-phone/%2B36301234567',
  '/api/rentals/R-2025-001/status',
  '/api/orders/O-2025-0456/status',
  '/api/orders/O-2025-0456/estimated-arrival',
];
const C456_READ = '/api/service/worklogs/M-2025-0123/status';

function stepContext(t: CacheApi, customerId: string): StepContext & { close(): Promise<void> } {
  const deps = createErasureDeps(t.ctx, { memoryRoot: '/nonexistent' });
  return {
    ctx: t.ctx,
    deps,
    request: {
      id: 'gdpr_test',
      customerId,
      reason: 'user_request',
      mode: 'delete',
      lookupPhone: null,
      phoneShared: false,
      lookupName: null,
      lookupEmail: null,
      triggerEventId: null,
    },
    ref: null,
    setRef: async (ref) => ref,
    close: () => deps.close(),
  };
}

/** Every key under the prefix whose name or value mentions `needle`. */
async function mentions(t: CacheApi, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const k of await t.cachedKeys()) {
    const type = await t.redis.type(k);
    const text =
      type === 'set' ? (await t.redis.smembers(k)).join(' ') : ((await t.redis.get(k)) ?? '');
    if (k.includes(needle) || text.includes(needle)) found.push(k);
  }
  return found;
}

describe('GDPR erasure and the read cache', () => {
  let t: CacheApi;
  beforeAll(async () => {
    t = await createCacheApi('pglite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the Redis step unlinks every cached answer about the customer, and only those', async () => {
    for (const p of [...C123_READS, C456_READ]) expect((await t.get(p)).status).toBe(200);
    const under = `${t.prefix}:customer:C-123:`;
    expect((await t.cachedKeys()).filter((k) => k.startsWith(under)).length).toBeGreaterThan(4);

    const sc = stepContext(t, 'C-123');
    try {
      const plan = await redisStep.plan(sc);
      expect(plan.action).toBe('erase');
      expect(plan.summary).toContain(`${t.prefix}:customer:C-123:*`);
      const result = await redisStep.run(sc);
      expect(result.kind).toBe('done');
      expect(await redisStep.verify(sc, result)).toBeUndefined();
    } finally {
      await sc.close();
    }
    expect((await t.cachedKeys()).filter((k) => k.startsWith(under))).toEqual([]);
    // Nothing with the customer's data is left: the answers about C-123 come from the ERP again.
    const before = t.erpQueries();
    for (const p of C123_READS) expect((await t.get(p)).status).toBe(200);
    expect(t.erpQueries() - before).toBe(C123_READS.length);
    // Another customer's answer is still cached.
    const mid = t.erpQueries();
    await t.get(C456_READ);
    expect(t.erpQueries()).toBe(mid);
  });

  it('with the cascade order (customer.deleted, then the Redis step) no key under the prefix names the customer', async () => {
    for (const p of C123_READS) await t.get(p);
    expect((await mentions(t, 'C-123')).length).toBeGreaterThan(0);
    // Step 2 publishes customer.deleted: stored, it drops the customer's entries and lookups.
    await t.publish('customer.deleted', { customer_id: 'C-123', gdpr_reason: 'user_request' });
    const sc = stepContext(t, 'C-123');
    try {
      expect((await redisStep.run(sc)).kind).toBe('done');
    } finally {
      await sc.close();
    }
    expect(await mentions(t, 'C-123')).toEqual([]);
    expect((await mentions(t, 'C-456')).length).toBeGreaterThan(0);
  });

  it('the erasure hook (forgetCustomer, step store) drops every answer and lookup naming the customer, and only theirs', async () => {
    for (const p of [...C123_READS, C456_READ]) expect((await t.get(p)).status).toBe(200);
    expect((await mentions(t, 'C-123')).length).toBeGreaterThan(0);
    const dropped = await t.cache?.forgetCustomer('C-123');
    expect(dropped).toBeGreaterThan(0);
    expect(await mentions(t, 'C-123')).toEqual([]);
    expect((await mentions(t, 'C-456')).length).toBeGreaterThan(0);
    // The by-phone answer is read from the ERP again, not from what was cached.
    const before = t.erpQueries();
    expect((await t.get(C123_READS[0] as string)).status).toBe(200);
    expect(t.erpQueries() - before).toBe(1);
    // An id the cache never files is not an error: nothing to drop.
    expect(await t.cache?.forgetCustomer('C.123')).toBe(0);
  });
});
