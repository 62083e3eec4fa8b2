/**
 * The daemon's read cache: the in-process tier (memory-cache.ts) in front of the Redis
 * tier (read-cache.ts) when REDIS_URL is set, either one alone otherwise. A hit in
 * memory costs no round trip at all; a miss asks Redis, then the database. Both tiers
 * drop what an event makes stale before its publisher is answered. With PostgreSQL the
 * other daemons on the database hear of it through a notice (peer-notice.ts).
 */
import type { Registry } from 'prom-client';
import type { Config } from '../config/settings.js';
import type { CacheKey, CacheOwner, ReadCache } from '../context/context.js';
import type { Logger } from '../context/logger.js';
import { invalidationFor } from './invalidation.js';
import { MemoryReadCache } from './memory-cache.js';
import { decodeNotice, encodeNotice } from './peer-notice.js';
import { createReadCache, type RedisReadCache } from './read-cache.js';

type Events = readonly { readonly type: string; readonly data: unknown }[];

export class TieredReadCache implements ReadCache {
  private readonly sweeper: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    private readonly prefix: string,
    private readonly memory: MemoryReadCache | undefined,
    private readonly redis: RedisReadCache | undefined,
    /** Other daemons may share the database (PostgreSQL): tell them what goes stale. */
    private readonly peers: boolean,
    sweepMs: number,
  ) {
    // Expired answers are not served; the sweep also makes sure they are not kept.
    if (memory) {
      this.sweeper = setInterval(() => memory.sweep(), sweepMs);
      this.sweeper.unref();
    }
  }

  register(registry: Registry): void {
    this.memory?.register(registry);
    this.redis?.register(registry);
  }

  read<T>(key: CacheKey, load: () => Promise<{ value: T; owner: CacheOwner }>): Promise<T> {
    if (this.memory) return this.memory.read(key, load);
    if (this.redis) return this.redis.read(key, load);
    return load().then((r) => r.value);
  }

  async invalidate(events: Events): Promise<void> {
    this.memory?.invalidate(events);
    await this.redis?.invalidate(events);
  }

  peerNotice(events: Events): string | undefined {
    if (!this.peers || !this.memory) return undefined;
    return encodeNotice(this.id, invalidationFor(this.prefix, events));
  }

  /** A notice from the change channel: another daemon's invalidation or erasure (our own are skipped). */
  heard(text: string): void {
    const notice = decodeNotice(text);
    if (!notice || notice.sender === this.id || !this.memory) return;
    if (notice.drop === 'all') this.memory.clear();
    else this.memory.apply(notice.drop);
  }

  /** Notices may have been missed (the LISTEN connection was lost): nothing in memory can be trusted. */
  clear(): void {
    this.memory?.clear();
  }

  /** The erasure hook: every answer about the customer, from memory and from Redis (-1: Redis unsure). */
  async forgetCustomer(customerId: string): Promise<number> {
    const here = this.memory?.forget({ customer: customerId }) ?? 0;
    const there = this.redis ? await this.redis.forgetCustomer(customerId) : 0;
    return there < 0 ? -1 : here + there;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.memory?.clear();
    await this.redis?.close();
  }
}

/**
 * The read cache the configuration asks for: in memory unless KGC_SUPPORT_CACHE_MEMORY
 * is 0, in Redis with REDIS_URL; undefined when neither (or KGC_SUPPORT_CACHE=off).
 */
export async function createDaemonCache(
  config: Pick<
    Config,
    | 'redisUrl'
    | 'readCache'
    | 'cachePrefix'
    | 'cacheTtlMs'
    | 'cacheTimeoutMs'
    | 'cacheMemoryEntries'
  >,
  logger: Logger,
  opts: { readonly id: string; readonly peers: boolean },
): Promise<TieredReadCache | undefined> {
  if (config.readCache === 'off') return undefined;
  const redis = await createReadCache(config, logger);
  const memory =
    config.cacheMemoryEntries > 0
      ? new MemoryReadCache({
          prefix: config.cachePrefix,
          ttlMs: config.cacheTtlMs,
          maxEntries: config.cacheMemoryEntries,
          ...(redis ? { below: redis.readOwned.bind(redis) } : {}),
        })
      : undefined;
  if (!memory && !redis) return undefined;
  return new TieredReadCache(
    opts.id,
    config.cachePrefix,
    memory,
    redis,
    opts.peers,
    Math.max(1_000, Math.min(config.cacheTtlMs / 4, 15_000)),
  );
}
