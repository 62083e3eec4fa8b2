/**
 * The Pull API's read cache in Redis (seed 5.1 "event-driven cache", 13): answers
 * are kept at most KGC_SUPPORT_CACHE_TTL, dropped as soon as an event that changes
 * them is stored, and never kept when an invalidation raced the database read.
 *
 * Redis is an accelerator, never a dependency: every Redis call has a short timeout,
 * and a failure opens a circuit breaker for BREAK_MS, during which requests go
 * straight to the database (a bypass) without waiting on Redis at all. An
 * invalidation that could not reach Redis is remembered; before the cache is used
 * again a new epoch makes every entry written before it unreadable.
 */
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../config/settings.js';
import type { CacheKey, CacheOwner, ReadCache } from '../context/context.js';
import type { Logger } from '../context/logger.js';
import { invalidationFor } from './invalidation.js';
import type { Owned } from './memory-cache.js';
import { cacheEnabled, lookupTag, ownerTag, refKey } from './keys.js';
import { FILL, INVALIDATE, NEW_EPOCH, READ } from './scripts.js';

/** How long Redis is left alone after a failure before one request tries it again. */
const BREAK_MS = 2_000;

interface Scripted {
  kgcRead(ref: string, prefix: string, tag: string): Promise<[number, string, string?]>;
  kgcFill(...args: string[]): Promise<number>;
  kgcInvalidate(...args: string[]): Promise<number>;
  kgcNewEpoch(prefix: string): Promise<number>;
}

interface CacheCounters {
  readonly reads: Counter<'result'>;
  readonly invalidations: Counter;
  readonly dropped: Counter;
}

function counters(): CacheCounters {
  return {
    reads: new Counter({
      name: 'kgc_support_read_cache_requests_total',
      help: 'Pull API reads by cache result: hit, miss (read from the ERP and kept), shared (joined a read of the same answer in flight), bypass (Redis unreachable or the answer not cacheable)',
      labelNames: ['result'],
      registers: [],
    }),
    invalidations: new Counter({
      name: 'kgc_support_read_cache_invalidations_total',
      help: 'Stored events whose cached answers were invalidated',
      registers: [],
    }),
    dropped: new Counter({
      name: 'kgc_support_read_cache_dropped_keys_total',
      help: 'Redis keys dropped by invalidations',
      registers: [],
    }),
  };
}

const BYPASS = Symbol('bypass');

export class RedisReadCache implements ReadCache {
  readonly counters = counters();
  private openUntil = 0;
  private lost = false;
  private warned = false;
  private readonly inflight = new Map<string, Promise<Owned<unknown>>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  register(registry: Registry): void {
    for (const c of Object.values(this.counters)) registry.registerMetric(c as Counter);
  }

  private get scripts(): Scripted {
    return this.redis as unknown as Scripted;
  }

  /** Runs `fn` against Redis unless the breaker is open; a failure opens it. */
  private async guarded<T>(fn: () => Promise<T>): Promise<T | typeof BYPASS> {
    if (performance.now() < this.openUntil) return BYPASS;
    if (this.redis.status !== 'ready') {
      this.trip(new Error(`Redis connection ${this.redis.status}`));
      return BYPASS;
    }
    try {
      if (this.lost) {
        await this.scripts.kgcNewEpoch(this.prefix);
        this.lost = false;
        this.logger.info(
          'read cache: Redis is back; entries older than a lost invalidation are ignored',
        );
      }
      const out = await fn();
      this.warned = false;
      return out;
    } catch (err) {
      this.trip(err as Error);
      return BYPASS;
    }
  }

  private trip(err: Error): void {
    this.openUntil = performance.now() + BREAK_MS;
    // A timed-out command may still be answered later: a fresh connection (made in the
    // background) can never pair that late answer with another request.
    if (this.redis.status === 'ready') this.redis.disconnect(true);
    if (!this.warned) {
      this.warned = true;
      this.logger.warn(
        { err: err.message },
        'read cache: Redis unreachable, the Pull API reads the database until it is back',
      );
    }
  }

  async read<T>(key: CacheKey, load: () => Promise<{ value: T; owner: CacheOwner }>): Promise<T> {
    return (await this.readOwned(key, lookupTag(this.prefix, key), load)).value;
  }

  /** The answer with the owner it is filed under (the in-process tier in front files it the same way). */
  async readOwned<T>(
    key: CacheKey,
    tag: string,
    load: () => Promise<{ value: T; owner: CacheOwner }>,
  ): Promise<Owned<T>> {
    // A surge on one customer makes one database read: requests that arrive while it is
    // on its way share its answer (or its error) instead of each asking the ERP.
    const join = (shared: Promise<Owned<unknown>>): Promise<Owned<T>> => {
      this.counters.reads.inc({ result: 'shared' });
      return shared as Promise<Owned<T>>;
    };
    const early = this.inflight.get(tag);
    if (early) return join(early);
    const got = await this.guarded(() =>
      this.scripts.kgcRead(refKey(this.prefix, tag), this.prefix, tag),
    );
    if (got === BYPASS) {
      this.counters.reads.inc({ result: 'bypass' });
      // Redis is away, the tier in front still files the answer (its invalidations are its own).
      const loaded = await load();
      return { value: loaded.value, owner: ownerTag(loaded.owner) };
    }
    if (got[0] === 1) {
      this.counters.reads.inc({ result: 'hit' });
      return { value: JSON.parse(got[1]) as T, owner: got[2] };
    }
    // Another request may have started the same read while this one asked Redis.
    // (checked and set with no await between, so exactly one request reads the database).
    const late = this.inflight.get(tag);
    if (late) return join(late);
    const filling = this.loadAndFill(tag, got[1], load);
    this.inflight.set(tag, filling);
    try {
      return await filling;
    } finally {
      if (this.inflight.get(tag) === filling) this.inflight.delete(tag);
    }
  }

  private async loadAndFill<T>(
    tag: string,
    gen: string,
    load: () => Promise<{ value: T; owner: CacheOwner }>,
  ): Promise<Owned<T>> {
    // Errors (404, 409, …) are thrown by load: nothing is kept for them.
    const loaded = await load();
    const owner = ownerTag(loaded.owner);
    if (owner === undefined) {
      this.counters.reads.inc({ result: 'bypass' });
      return { value: loaded.value, owner };
    }
    this.counters.reads.inc({ result: 'miss' });
    await this.guarded(() =>
      this.scripts.kgcFill(
        this.prefix,
        gen,
        owner,
        tag,
        JSON.stringify(loaded.value),
        String(this.ttlMs),
      ),
    );
    return { value: loaded.value, owner };
  }

  async invalidate(events: readonly { type: string; data: unknown }[]): Promise<void> {
    // A request from now on must not join a database read that began before this event.
    this.inflight.clear();
    const inv = invalidationFor(this.prefix, events);
    if (inv.owners.length === 0 && inv.refs.length === 0) return;
    const dropped = await this.guarded(() =>
      this.scripts.kgcInvalidate(
        this.prefix,
        String(inv.owners.length),
        ...inv.owners,
        ...inv.refs,
      ),
    );
    if (dropped === BYPASS) {
      // Entries it should have dropped may still be in Redis: a new epoch before the next use.
      this.lost = true;
      return;
    }
    this.counters.invalidations.inc(events.length);
    this.counters.dropped.inc(dropped);
  }

  // Redis is one cache for every daemon: nothing to tell the others.
  readonly id = 'redis';
  peerNotice(): undefined {
    return undefined;
  }

  /** Every answer filed under the customer (by-phone answers included: they are filed under their owner). */
  async forgetCustomer(customerId: string): Promise<number> {
    this.inflight.clear();
    const owner = ownerTag({ customer: customerId });
    if (owner === undefined) return 0; // never filed (an id the erasure pattern could not match)
    const dropped = await this.guarded(() => this.scripts.kgcInvalidate(this.prefix, '1', owner));
    if (dropped === BYPASS) {
      this.lost = true;
      return -1;
    }
    this.counters.dropped.inc(dropped);
    return dropped;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The read cache the configuration asks for, or undefined (no REDIS_URL, or KGC_SUPPORT_CACHE=off). */
export async function createReadCache(
  config: Pick<Config, 'redisUrl' | 'readCache' | 'cachePrefix' | 'cacheTtlMs' | 'cacheTimeoutMs'>,
  logger: Logger,
): Promise<RedisReadCache | undefined> {
  if (!cacheEnabled(config) || config.redisUrl === undefined) return undefined;
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redisUrl, {
    connectTimeout: config.cacheTimeoutMs,
    commandTimeout: config.cacheTimeoutMs,
    maxRetriesPerRequest: 0,
    // A command while disconnected fails at once (a bypass) instead of waiting in a queue.
    enableOfflineQueue: false,
    // Reconnects in the background for as long as the daemon runs.
    retryStrategy: (times) => Math.min(100 * times, 1_000),
    lazyConnect: true,
  });
  redis.on('error', () => {
    /* reported through the breaker */
  });
  redis.defineCommand('kgcRead', { numberOfKeys: 1, lua: READ });
  redis.defineCommand('kgcFill', { numberOfKeys: 0, lua: FILL });
  redis.defineCommand('kgcInvalidate', { numberOfKeys: 0, lua: INVALIDATE });
  redis.defineCommand('kgcNewEpoch', { numberOfKeys: 0, lua: NEW_EPOCH });
  const cache = new RedisReadCache(redis, config.cachePrefix, config.cacheTtlMs, logger);
  // Not awaited for long: a Redis that is down at start leaves the daemon serving from the database.
  await redis.connect().catch((err: Error) => {
    logger.warn(
      { err: err.message },
      'read cache: Redis unreachable at start, reading the database until it answers',
    );
  });
  return cache;
}
