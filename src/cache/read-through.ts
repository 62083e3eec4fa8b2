/**
 * The Pull API's read paths call this: through the read cache when the daemon has
 * one (ctx.cache), straight to the ERP otherwise. Callers run it after the scope
 * check (the route guard), and every cached route answers every caller with that
 * scope alike: nothing cached depends on who asks.
 */
import type { CacheKey, CacheOwner, Ctx } from '../context/context.js';

export async function readThrough<T>(
  ctx: Pick<Ctx, 'cache'>,
  key: CacheKey,
  load: () => Promise<{ value: T; owner: CacheOwner }>,
): Promise<T> {
  return ctx.cache ? ctx.cache.read(key, load) : (await load()).value;
}
