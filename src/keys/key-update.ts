/**
 * `keys update`: changes a key's own rate limit (or clears it). A running daemon
 * applies it from the next request: the change is announced like every key change.
 */
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import { notifyChange } from '../store/changes.js';
import { DEFAULT_RATE, parseKeyRate } from './key-rate.js';
import * as sql from './keys.queries.js';
import type { KeyInfo } from './keys.schema.js';
import { toKeyInfo, type KeyRow } from './keys.service.js';

/** Sets (or with "default" clears) the rate of one key; revoked and expired keys too (harmless, and honest). */
export async function updateKeyRate(
  ctx: Ctx,
  input: { id: string; rate_limit: string },
): Promise<KeyInfo> {
  const rate = parseKeyRate(input.rate_limit);
  const row = await ctx.db.tx(async (q) => {
    const { rows } = await q.query<KeyRow>(sql.SET_RATE, [
      input.id,
      rate?.perSecond ?? null,
      rate?.burst ?? null,
    ]);
    if (!rows[0]) throw new KgcError('key_not_found', `no API key with id ${input.id}`);
    await notifyChange(q, 'keys', input.id);
    return rows[0];
  });
  ctx.logger.info(
    { keyId: input.id, rate: rate ?? DEFAULT_RATE, actor: ctx.actor },
    'API key rate limit changed',
  );
  return toKeyInfo(row, ctx.clock.now());
}
