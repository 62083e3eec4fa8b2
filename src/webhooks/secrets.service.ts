/**
 * The webhook signing secret. The store holds it (the daemon must sign with it, so
 * it cannot be a hash); it is never logged and shown only when a rotation makes one.
 *
 * SUPPORT_WEBHOOK_SECRET (the .env the installer renders and shares with Support)
 * seeds the store: at boot a value the store has never seen is imported as the
 * current secret and the previous ones keep signing for the default grace. A value
 * already seen (even retired by a rotation since) is left alone, so an unchanged .env
 * never undoes `secrets rotate-webhook`. Without either, the daemon generates one.
 */
import type { Ctx } from '../context/context.js';
import { parseDuration } from '../config/duration.js';
import type { Random } from '../context/clock.js';
import { KgcError } from '../errors/kgc-error.js';
import { notifyChange } from '../store/changes.js';
import type { Queryable } from '../context/db.js';
import * as sql from './secrets.queries.js';
import type { RotatedSecret, RotateSecretInput, SecretInfo } from './secrets.schema.js';
import { fingerprint, SECRET_PREFIX, standardKey } from '../formats/webhook-secret.js';

export const DEFAULT_GRACE = '24h';

/** `whsec_` + base64 of 32 random bytes: verifiable with any Standard Webhooks library as is. */
export function generateWebhookSecret(random: Pick<Random, 'bytes'>): string {
  return `${SECRET_PREFIX}${random.bytes(32).toString('base64')}`;
}

interface InfoRow {
  id: string;
  source: string;
  fingerprint: string;
  created_at: Date;
  created_by: string;
  expires_at: Date | null;
}

function toInfo(r: InfoRow, now: number): SecretInfo {
  const status =
    r.expires_at === null ? 'current' : r.expires_at.getTime() > now ? 'grace' : 'expired';
  return {
    id: r.id,
    status,
    source: r.source,
    fingerprint: r.fingerprint.slice(0, 12),
    created_at: r.created_at.toISOString(),
    created_by: r.created_by,
    expires_at: r.expires_at ? r.expires_at.toISOString() : null,
  };
}

/** Every secret valid now, newest first: the first signs X-KGC-Signature, all sign webhook-signature. */
export async function validWebhookSecrets(
  ctx: Pick<Ctx, 'db' | 'clock'>,
): Promise<{ secrets: string[]; nextExpiry: number | null }> {
  const { rows } = await ctx.db.query<{ secret: string; expires_at: Date | null }>(sql.VALID, [
    new Date(ctx.clock.now()),
  ]);
  const expiries = rows.flatMap((r) => (r.expires_at ? [r.expires_at.getTime()] : []));
  return {
    secrets: rows.map((r) => r.secret),
    nextExpiry: expiries.length ? Math.min(...expiries) : null,
  };
}

export async function listWebhookSecrets(ctx: Pick<Ctx, 'db' | 'clock'>): Promise<SecretInfo[]> {
  const { rows } = await ctx.db.query<InfoRow>(sql.LIST);
  const now = ctx.clock.now();
  return rows.map((r) => toInfo(r, now));
}

async function insertSecret(
  ctx: Ctx,
  q: Queryable,
  secret: string,
  source: string,
  graceMs: number,
): Promise<InfoRow> {
  const now = ctx.clock.now();
  await q.query(sql.LOCK);
  await q.query(sql.RETIRE_VALID, [new Date(now), new Date(now + graceMs)]);
  const id = `whs_${ctx.random.bytes(6).toString('hex')}`;
  const { rows } = await q.query<InfoRow>(sql.INSERT, [
    id,
    secret,
    fingerprint(secret),
    source,
    new Date(now),
    ctx.actor,
  ]);
  await notifyChange(q, 'webhook_secrets', id);
  return rows[0] as InfoRow;
}

/**
 * At boot (and before signing in-process): imports SUPPORT_WEBHOOK_SECRET when it is
 * new, generates a secret when none is valid. Returns what it did, never the secret.
 */
export async function ensureWebhookSecret(
  ctx: Ctx,
  envSecret: string | undefined,
): Promise<'imported' | 'generated' | 'kept'> {
  if (envSecret !== undefined) {
    standardKey(envSecret);
    const known = await ctx.db.query(sql.BY_FINGERPRINT, [fingerprint(envSecret)]);
    if (known.rows.length === 0) {
      const row = await ctx.db.tx((q) =>
        insertSecret(ctx, q, envSecret, 'env', parseDuration(DEFAULT_GRACE)),
      );
      ctx.logger.info(
        { secretId: row.id },
        'imported SUPPORT_WEBHOOK_SECRET as the current webhook secret',
      );
      return 'imported';
    }
  }
  if ((await validWebhookSecrets(ctx)).secrets.length > 0) return 'kept';
  const row = await ctx.db.tx(async (q) => {
    const again = await q.query(sql.VALID, [new Date(ctx.clock.now())]);
    return again.rows.length > 0
      ? undefined
      : insertSecret(ctx, q, generateWebhookSecret(ctx.random), 'generated', 0);
  });
  if (!row) return 'kept';
  ctx.logger.warn(
    { secretId: row.id },
    'no SUPPORT_WEBHOOK_SECRET: generated a webhook secret; give Support one with `kgc-support secrets rotate-webhook`',
  );
  return 'generated';
}

/** A new current secret; the previous ones keep signing webhook-signature for `grace`. */
export async function rotateWebhookSecret(
  ctx: Ctx,
  input: RotateSecretInput,
): Promise<RotatedSecret> {
  const graceMs = parseDuration(input.grace ?? DEFAULT_GRACE, 'grace');
  if (graceMs > parseDuration('30d')) throw new KgcError('invalid_duration', 'grace: at most 30d');
  const secret = generateWebhookSecret(ctx.random);
  const row = await ctx.db.tx((q) => insertSecret(ctx, q, secret, 'rotation', graceMs));
  ctx.logger.info({ secretId: row.id, actor: ctx.actor }, 'webhook secret rotated');
  const now = ctx.clock.now();
  const all = await listWebhookSecrets(ctx);
  return {
    secret,
    current: toInfo(row, now),
    previous: all.filter((s) => s.id !== row.id && s.status === 'grace'),
  };
}
