/** The read cache's pure parts: key names, what each event invalidates, its settings. */
import { describe, expect, it } from 'vitest';
import { invalidationFor } from '../../src/cache/invalidation.js';
import { erasurePatterns, lookupTag, ownerTag } from '../../src/cache/keys.js';
import { loadConfig } from '../../src/config/config.js';

const P = 'kgc-support:fr1:cache';

describe('cache keys', () => {
  it('files an answer under its customer only when the erasure pattern can match the id exactly', () => {
    expect(ownerTag({ customer: 'C-123' })).toBe('customer:C-123');
    for (const hostile of ['C-1*', 'C:1', 'C-1?', '[C]', '', '../C', 'C.1'])
      expect(ownerTag({ customer: hostile }), hostile).toBeUndefined();
    expect(ownerTag({ sku: 'MAK-DGA452' })).toBe('sku:MAK-DGA452');
  });

  it('never puts a phone in a key name, and hashes it per prefix', () => {
    const tag = lookupTag(P, { kind: 'by-phone', lookup: '+36301234567' });
    expect(tag).toMatch(/^by-phone:[0-9a-f]{40}$/);
    expect(tag).not.toBe(lookupTag('other', { kind: 'by-phone', lookup: '+36301234567' }));
    expect(lookupTag(P, { kind: 'inventory', lookup: 'MAK-1|Buda pest' })).toBe(
      'inventory:MAK-1%7CBuda%20pest',
    );
  });

  it('adds its pattern to the GDPR Redis step only when the cache is on', () => {
    expect(erasurePatterns(loadConfig({}))).toEqual([]);
    expect(
      erasurePatterns(
        loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', KGC_SUPPORT_CACHE: 'off' }),
      ),
    ).toEqual([]);
    expect(
      erasurePatterns(
        loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', KGC_SUPPORT_FRANCHISE: 'fr1' }),
      ),
    ).toEqual(['kgc-support:fr1:cache:customer:{id}:*']);
  });
});

describe('what an event invalidates', () => {
  const phoneTag = lookupTag(P, { kind: 'by-phone', lookup: '+36301234567' });
  it.each([
    [
      'rental.started',
      { rental_id: 'R-1', customer: { id: 'C-1' }, machine: { name: 'x' } },
      ['customer:C-1'],
      ['rental:R-1'],
    ],
    [
      'service.quote_ready',
      { worklog_id: 'M-1', customer: { phone: '+36301234567' }, quote_amount: 1 },
      [],
      [phoneTag, 'worklog:M-1'],
    ],
    [
      'order.arrived',
      {
        order_id: 'O-1',
        customer: { id: 'C-1', phone: '+36301234567' },
        items: [{ sku: 'S-1' }, { sku: 'S-2' }],
      },
      ['customer:C-1', 'sku:S-1', 'sku:S-2'],
      [phoneTag, 'order-status:O-1', 'order-arrival:O-1'],
    ],
    ['customer.deleted', { customer_id: 'C-9', gdpr_reason: 'user_request' }, ['customer:C-9'], []],
  ])('%s', (type, data, owners, refs) => {
    const inv = invalidationFor(P, [{ type, data }]);
    expect(inv.owners.sort()).toEqual([...owners].sort());
    expect(inv.refs.sort()).toEqual([...refs].sort());
  });

  it('ignores what is not an object', () => {
    expect(
      invalidationFor(P, [
        { type: 'x', data: null },
        { type: 'y', data: [1] },
      ]),
    ).toEqual({
      owners: [],
      refs: [],
    });
  });
});

describe('cache settings', () => {
  it('defaults to a 60 s TTL, a 250 ms timeout and a prefix per franchise', () => {
    const c = loadConfig({ KGC_SUPPORT_FRANCHISE: 'kgc-bp01' });
    expect(c.cacheTtlMs).toBe(60_000);
    expect(c.cacheTimeoutMs).toBe(250);
    expect(c.cachePrefix).toBe('kgc-support:kgc-bp01:cache');
    expect(loadConfig({}).cachePrefix).toBe('kgc-support:default:cache');
  });

  it('refuses a TTL outside 1s..1h and a prefix with wildcards', () => {
    expect(() => loadConfig({ KGC_SUPPORT_CACHE_TTL: '500ms' })).toThrow(/KGC_SUPPORT_CACHE_TTL/);
    expect(() => loadConfig({ KGC_SUPPORT_CACHE_TTL: '2h' })).toThrow(/KGC_SUPPORT_CACHE_TTL/);
    expect(() => loadConfig({ KGC_SUPPORT_CACHE_PREFIX: 'a*b' })).toThrow(
      /KGC_SUPPORT_CACHE_PREFIX/,
    );
    expect(() => loadConfig({ KGC_SUPPORT_CACHE: 'maybe' })).toThrow(/KGC_SUPPORT_CACHE/);
  });
});
