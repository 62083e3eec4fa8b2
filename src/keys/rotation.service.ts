/**
 * What a rotation driven from outside the daemon needs besides rotate and revoke: find
 * the key a secrets.env value is (by its hash: the value never travels), and withdraw a
 * rotation whose new key never reached its consumer (the old key is active again, with
 * its expiry; the successor is revoked).
 */
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import { notifyChange } from '../store/changes.js';
import * as sql from './keys.queries.js';
import type { KeyInfo } from './keys.schema.js';
import { keyStatus, toKeyInfo, type KeyRow } from './keys.service.js';

/** The key whose SHA-256 (hex) is `sha256`. */
export async function identifyKey(ctx: Ctx, input: { sha256: string }): Promise<KeyInfo> {
  const { rows } = await ctx.db.query<KeyRow>(sql.BY_HASH, [input.sha256.toLowerCase()]);
  if (!rows[0])
    throw new KgcError('key_not_found', 'no API key in the store has this value (by its hash)');
  return toKeyInfo(rows[0], ctx.clock.now());
}

export interface WithdrawnRotation {
  key: KeyInfo;
  withdrawn: KeyInfo | null;
}

/**
 * Withdraws the rotation of key `id`: its successor is revoked and the key is active
 * again until its expiry before the rotation. A key that is not rotated is left as it
 * is (withdrawn: null), so that a rollback may run twice.
 */
export async function withdrawRotation(
  ctx: Ctx,
  input: { id: string },
): Promise<WithdrawnRotation> {
  const out = await ctx.db.tx(async (q) => {
    const { rows } = await q.query<KeyRow>(sql.BY_ID_FOR_UPDATE, [input.id]);
    const old = rows[0];
    if (!old) throw new KgcError('key_not_found', `no API key with id ${input.id}`);
    if (old.rotated_to === null) return { key: old, withdrawn: null };
    if (old.revoked_at)
      throw new KgcError('key_not_active', `key ${old.id} is revoked; its rotation stays`);
    const successor = old.rotated_to;
    const next = await q.query<KeyRow>(sql.BY_ID_FOR_UPDATE, [successor]);
    if (next.rows[0]?.rotated_to)
      throw new KgcError(
        'key_already_rotated',
        `the successor ${successor} of key ${old.id} was rotated in turn; withdraw that rotation first`,
      );
    const revoked = await q.query<KeyRow>(sql.REVOKE, [
      successor,
      new Date(ctx.clock.now()),
      ctx.actor,
    ]);
    const restored = await q.query<KeyRow>(sql.UNMARK_ROTATED, [old.id]);
    await notifyChange(q, 'keys', old.id);
    return { key: restored.rows[0] as KeyRow, withdrawn: revoked.rows[0] ?? next.rows[0] ?? null };
  });
  const now = ctx.clock.now();
  if (out.withdrawn)
    ctx.logger.info(
      { keyId: input.id, withdrawn: out.withdrawn.id, actor: ctx.actor },
      'API key rotation withdrawn',
    );
  if (keyStatus(out.key, now) !== 'active' && out.withdrawn)
    ctx.logger.warn({ keyId: input.id }, 'the key whose rotation was withdrawn is not active');
  return {
    key: toKeyInfo(out.key, now),
    withdrawn: out.withdrawn ? toKeyInfo(out.withdrawn, now) : null,
  };
}
