/**
 * An erasure and the read cache's in-process tier: once the ERP no longer holds the
 * customer, every answer about them goes from this process's memory at once, and
 * (PostgreSQL) from every other daemon's on the database through a notice on the
 * change channel. Answers read before that moment and still on their way are not
 * kept (memory-cache.ts). The store step (step 6) calls the cache's erasure hook again, for
 * anything a read filled between the two.
 */
import type { Ctx } from '../context/context.js';
import { notifyChange } from '../store/changes.js';
import { ownerTag } from './keys.js';
import { encodeNotice } from './peer-notice.js';

export async function forgetCustomer(
  ctx: Pick<Ctx, 'db' | 'cache'>,
  customerId: string,
): Promise<void> {
  await ctx.cache?.forgetCustomer(customerId);
  const tag = ownerTag({ customer: customerId });
  // The embedded store has one process: the daemon, whose cache is ctx.cache (or none runs).
  if (tag === undefined || ctx.db.kind !== 'postgres') return;
  const notice = encodeNotice(ctx.cache?.id ?? 'erasure', { owners: [tag], refs: [] });
  if (notice) await notifyChange(ctx.db, 'cache', notice);
}
