import type { Config } from '../config/settings.js';
import type { Db } from './db.js';
import type { Clock, Random } from './clock.js';
import type { Logger } from './logger.js';

/**
 * The explicit context every business function receives: no module globals.
 * `db` holds the daemon's own state (schema kgc_support); `erp` reads the ERP
 * contract (schema kgc_erp), which is the same database unless ERP_DATABASE_URL is set.
 */
export interface Ctx {
  readonly config: Config;
  readonly db: Db;
  readonly erp: Db;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: Random;
  /** Who is acting, for the audit log: "cli:alice@host", "api:key_…", "daemon". */
  readonly actor: string;
  /** The Pull API's read cache (src/cache), present when REDIS_URL turns it on. */
  readonly cache?: ReadCache;
}

/** Which cached answer: its kind and the value it is looked up by (the phone, the rental id, …). */
export interface CacheKey {
  readonly kind: 'by-phone' | 'rental' | 'worklog' | 'order-status' | 'order-arrival' | 'inventory';
  readonly lookup: string;
}

/** What a read is filed under: the customer it is about, or (no personal data) the product. */
export type CacheOwner = { readonly customer: string } | { readonly sku: string };

/** The port of the read cache (implemented in src/cache), so that lower layers can hold it. */
export interface ReadCache {
  /** The answer for `key`: from the cache, or from `load` (then kept, unless an invalidation raced it). */
  read<T>(key: CacheKey, load: () => Promise<{ value: T; owner: CacheOwner }>): Promise<T>;
  /** Drops what these stored events make stale; never throws (a failure is remembered and repaired). */
  invalidate(events: readonly { readonly type: string; readonly data: unknown }[]): Promise<void>;
  /**
   * The erasure hook (GDPR step `store`): drops every answer held about this customer,
   * in every layer of the cache (an in-process layer included), and resolves to how
   * many entries went (-1: unknown). Never throws; a layer that could not be reached
   * repairs itself as `invalidate` does. Redis keys are also swept by step `redis`.
   */
  forgetCustomer(customerId: string): Promise<number>;
  /**
   * What these events make stale, as a notice for the other daemons on the same
   * database (sent with the events, in the statement that stores them); undefined
   * when there is nobody to tell (the embedded store, no in-process tier).
   */
  peerNotice(
    events: readonly { readonly type: string; readonly data: unknown }[],
  ): string | undefined;
  /** Names this process in its notices, so that it ignores its own. */
  readonly id: string;
}
