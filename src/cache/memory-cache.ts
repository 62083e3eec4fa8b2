/**
 * The Pull API's in-process read cache (the first tier): answers kept in the daemon's
 * memory, under the same rules as the Redis tier (read-cache.ts) behind it:
 *   - each answer is filed under whom it is about (customer:<id>, sku:<sku>), and an
 *     event drops every answer of the customers, rentals, worklogs, orders and
 *     products it names (invalidation.ts), before the event's publisher is answered;
 *   - an answer read while an invalidation ran is not kept (it may predate it);
 *   - nothing lives longer than KGC_SUPPORT_CACHE_TTL, and the tier holds at most
 *     KGC_SUPPORT_CACHE_MEMORY answers (the least recently used go first);
 *   - an erasure drops the customer's answers at once (forget).
 * With PostgreSQL, other daemons on the same database hear what went stale through a
 * notice (peer-notice.ts) and drop it too; a LISTEN connection that was lost and came
 * back may have missed notices, so the daemon then clears this tier (clear).
 */
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { CacheKey, CacheOwner } from '../context/context.js';
import { invalidationFor, type Invalidation } from './invalidation.js';
import { lookupTag, ownerTag } from './keys.js';

/** An answer with the owner tag it is filed under (undefined: not cacheable). */
export interface Owned<T> {
  readonly value: T;
  readonly owner: string | undefined;
}

/** The tier behind this one: reads `key` (from Redis, or the database) with its owner. */
export type ReadBelow = <T>(
  key: CacheKey,
  tag: string,
  load: () => Promise<{ value: T; owner: CacheOwner }>,
) => Promise<Owned<T>>;

interface Entry {
  readonly value: unknown;
  readonly owner: string;
  readonly expires: number;
}

export interface MemoryCacheOptions {
  readonly prefix: string;
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** The Redis tier, when configured; else the load runs directly. */
  readonly below?: ReadBelow;
  readonly now?: () => number;
}

/** The database read itself, as the tier below when there is no Redis. */
export const loadDirect: ReadBelow = async (_key, _tag, load) => {
  const { value, owner } = await load();
  return { value, owner: ownerTag(owner) };
};

export class MemoryReadCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly inflight = new Map<string, Promise<Owned<unknown>>>();
  /** Moves on every invalidation: a read that began before it is not kept. */
  private generation = 0;
  private readonly now: () => number;
  private readonly below: ReadBelow;
  readonly counters = {
    reads: new Counter({
      name: 'kgc_support_memory_cache_requests_total',
      help: "Pull API reads by the in-process cache's result: hit, miss (read from the tier below), shared (joined a read of the same answer in flight)",
      labelNames: ['result'] as const,
      registers: [],
    }),
    dropped: new Counter({
      name: 'kgc_support_memory_cache_dropped_total',
      help: 'Answers dropped from the in-process cache by invalidations, erasures and clears',
      registers: [],
    }),
  };

  constructor(private readonly opts: MemoryCacheOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.below = opts.below ?? loadDirect;
  }

  register(registry: Registry): void {
    registry.registerMetric(this.counters.reads);
    registry.registerMetric(this.counters.dropped);
    const entries = this.entries;
    registry.registerMetric(
      new Gauge({
        name: 'kgc_support_memory_cache_entries',
        help: 'Answers held by the in-process cache',
        registers: [],
        collect() {
          this.set(entries.size);
        },
      }),
    );
  }

  get size(): number {
    return this.entries.size;
  }

  async read<T>(key: CacheKey, load: () => Promise<{ value: T; owner: CacheOwner }>): Promise<T> {
    const tag = lookupTag(this.opts.prefix, key);
    const entry = this.entries.get(tag);
    if (entry) {
      if (entry.expires > this.now()) {
        // Most recently used last: the first in the map is the first to go.
        this.entries.delete(tag);
        this.entries.set(tag, entry);
        this.counters.reads.inc({ result: 'hit' });
        return entry.value as T;
      }
      this.drop(tag);
    }
    const flying = this.inflight.get(tag);
    if (flying) {
      this.counters.reads.inc({ result: 'shared' });
      return (await flying).value as T;
    }
    const generation = this.generation;
    const reading = this.below(key, tag, load);
    this.inflight.set(tag, reading);
    try {
      const got = await reading;
      this.counters.reads.inc({ result: 'miss' });
      if (got.owner !== undefined && generation === this.generation) this.keep(tag, got);
      return got.value;
    } finally {
      if (this.inflight.get(tag) === reading) this.inflight.delete(tag);
    }
  }

  private keep(tag: string, got: Owned<unknown>): void {
    const owner = got.owner as string;
    this.drop(tag);
    this.entries.set(tag, { value: got.value, owner, expires: this.now() + this.opts.ttlMs });
    let tags = this.byOwner.get(owner);
    if (!tags) {
      tags = new Set();
      this.byOwner.set(owner, tags);
    }
    tags.add(tag);
    while (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.drop(oldest);
    }
  }

  private drop(tag: string): number {
    const entry = this.entries.get(tag);
    if (!entry) return 0;
    this.entries.delete(tag);
    const tags = this.byOwner.get(entry.owner);
    tags?.delete(tag);
    if (tags?.size === 0) this.byOwner.delete(entry.owner);
    return 1;
  }

  private dropOwner(owner: string): number {
    let n = 0;
    for (const tag of [...(this.byOwner.get(owner) ?? [])]) n += this.drop(tag);
    return n;
  }

  /** Drops what an invalidation names: its owners, and the owners of its lookups; returns how many went. */
  apply(inv: Invalidation): number {
    // A read from now on must not join, or keep, a read that began before this.
    this.generation++;
    this.inflight.clear();
    let n = 0;
    for (const owner of inv.owners) n += this.dropOwner(owner);
    for (const ref of inv.refs) {
      const entry = this.entries.get(ref);
      if (entry) n += this.dropOwner(entry.owner);
    }
    this.counters.dropped.inc(n);
    return n;
  }

  invalidate(events: readonly { readonly type: string; readonly data: unknown }[]): void {
    this.apply(invalidationFor(this.opts.prefix, events));
  }

  /** Drops every answer about `owner` (an erasure); returns how many went. */
  forget(owner: CacheOwner): number {
    const tag = ownerTag(owner);
    return this.apply({ owners: tag === undefined ? [] : [tag], refs: [] });
  }

  /** Drops the answers past their TTL (not served already; not kept either). */
  sweep(): void {
    const now = this.now();
    let n = 0;
    for (const [tag, entry] of this.entries) if (entry.expires <= now) n += this.drop(tag);
    this.counters.dropped.inc(n);
  }

  /** Drops everything (notices may have been missed). */
  clear(): void {
    this.generation++;
    this.inflight.clear();
    this.counters.dropped.inc(this.entries.size);
    this.entries.clear();
    this.byOwner.clear();
  }
}
