/**
 * `keys import`: a key made elsewhere (the installer's KGC_API_KEY, publish and
 * GDPR keys), registered by its hash.
 */
import type { Ctx } from '../context/context.js';
import { parseDuration } from '../config/duration.js';
import { KgcError } from '../errors/kgc-error.js';
import { notifyChange } from '../store/changes.js';
import { checkKeyShape, hashKey } from '../formats/api-key.js';
import { parseKeyRate } from './key-rate.js';
import * as sql from './keys.queries.js';
import type { KeyInfo } from './keys.schema.js';
import { DEFAULT_KEY_LIFETIME } from './lifetime.js';
import { insertKey, toKeyInfo, validateName, validateScopes, type KeyRow } from './keys.service.js';

export interface ImportKeyInput {
  name: string;
  scopes: string[];
  api_key: string;
  expires_in?: string;
  /** The key's own rate ("default": its scopes' default); on a known key, the one thing an import changes. */
  rate_limit?: string;
}

/**
 * Registers a key that was made elsewhere (the installer renders KGC_API_KEY into
 * the Support system's .env): only its hash is stored. Importing a known key again
 * changes nothing but the rate limit when one is given, and never brings a revoked
 * key back.
 */
export async function importKey(
  ctx: Ctx,
  input: ImportKeyInput,
): Promise<{ key: KeyInfo; created: boolean }> {
  const plaintext = input.api_key.trim();
  const shape = checkKeyShape(plaintext);
  if (shape !== 'ok') {
    throw new KgcError(
      'malformed_api_key',
      shape === 'bad_checksum'
        ? "the key's checksum does not match: it was mistyped or truncated"
        : 'not a kgc_ key (kgc_ and 36 letters and digits)',
    );
  }
  const name = validateName(input.name);
  const scopes = validateScopes(input.scopes);
  const lifetimeMs = parseDuration(input.expires_in ?? DEFAULT_KEY_LIFETIME, 'expires-in');
  const rate = input.rate_limit === undefined ? undefined : parseKeyRate(input.rate_limit);
  const result = await ctx.db.tx(async (q) => {
    const existing = await q.query<KeyRow>(sql.BY_HASH, [hashKey(plaintext)]);
    const known = existing.rows[0];
    if (known) {
      if (rate === undefined) return { row: known, created: false };
      const { rows } = await q.query<KeyRow>(sql.SET_RATE, [
        known.id,
        rate?.perSecond ?? null,
        rate?.burst ?? null,
      ]);
      await notifyChange(q, 'keys', known.id);
      return { row: rows[0] as KeyRow, created: false };
    }
    const r = await insertKey(ctx, q, {
      name,
      scopes,
      ratePerSec: rate?.perSecond ?? null,
      rateBurst: rate?.burst ?? null,
      lifetimeMs,
      rotatedFrom: null,
      plaintext,
    });
    await notifyChange(q, 'keys', r.row.id);
    return { row: r.row, created: true };
  });
  if (result.created)
    ctx.logger.info({ keyId: result.row.id, scopes, actor: ctx.actor }, 'API key imported');
  return { key: toKeyInfo(result.row, ctx.clock.now()), created: result.created };
}
