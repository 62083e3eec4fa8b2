/**
 * How the read cache names its Redis keys (P is the franchise's prefix):
 *
 *   P:<owner>:<kind>:<lookup>   one cached answer, filed under whom it is about:
 *                               owner customer:<id> (personal data) or sku:<sku> (stock)
 *   P:ref:<kind>:<lookup>       which owner holds the answer for that lookup
 *   P:<owner>:keys              every key filed for that owner (what an invalidation drops)
 *   P:gen, P:epoch              counters: a fill raced by an invalidation is not kept;
 *                               entries written before a lost invalidation are not read
 *
 * Every answer about a customer sits under P:customer:<id>:, so the GDPR erasure's
 * Redis step finds all of it with one pattern (erasurePatterns). A phone never
 * appears in a key name: by-phone lookups are filed under a hash of it.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config/settings.js';
import type { CacheKey, CacheOwner } from '../context/context.js';
import { CUSTOMER_ID_RE } from '../formats/customer-id.js';

/** Whether the configuration turns the read cache on: REDIS_URL set and KGC_SUPPORT_CACHE not off. */
export function cacheEnabled(config: Pick<Config, 'redisUrl' | 'readCache'>): boolean {
  return config.redisUrl !== undefined && config.readCache === 'on';
}

/**
 * The owner part of a key, or undefined when the answer must not be cached: a customer
 * id the erasure pattern could not match exactly is never filed.
 */
export function ownerTag(owner: CacheOwner): string | undefined {
  if ('customer' in owner)
    return CUSTOMER_ID_RE.test(owner.customer) ? `customer:${owner.customer}` : undefined;
  return owner.sku === '' ? undefined : `sku:${encodeURIComponent(owner.sku)}`;
}

/** "<kind>:<lookup>": the phone as a hash (salted with the prefix), other lookups URI-encoded. */
export function lookupTag(prefix: string, key: CacheKey): string {
  if (key.kind === 'by-phone') {
    const h = createHash('sha256').update(`${prefix}|${key.lookup}`).digest('hex');
    return `by-phone:${h.slice(0, 40)}`;
  }
  return `${key.kind}:${encodeURIComponent(key.lookup)}`;
}

export const refKey = (prefix: string, tag: string): string => `${prefix}:ref:${tag}`;

/** The Redis patterns (GDPR step 5 form, {id} for the customer id) that cover one customer's cached answers. */
export function erasurePatterns(
  config: Pick<Config, 'redisUrl' | 'readCache' | 'cachePrefix'>,
): string[] {
  return cacheEnabled(config) ? [`${config.cachePrefix}:customer:{id}:*`] : [];
}
