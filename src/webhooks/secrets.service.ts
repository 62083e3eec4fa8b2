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
import type {
  ActivatedSecret,
  ActivateSecretInput,
  RotatedSecret,
  RotateSecretInput,
  SecretInfo,
} from './secrets.schema.js';
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
  activates_at: Date | null;
  grace_ms: string | number;
}

const valid = (r: { expires_at: Date | null }, now: number): boolean =>
  r.expires_at === null || r.expires_at.getTime() > now;
const active = (r: { activates_at: Date | null }, now: number): boolean =>
  r.activates_at !== null && r.activates_at.getTime() <= now;

/** The secret that signs X-KGC-Signature at `now`: the newest valid and active one (rows newest first). */
function signing<T extends { expires_at: Date | null; activates_at: Date | null }>(
  rows: readonly T[],
  now: number,
): T | undefined {
  return rows.find((r) => valid(r, now) && active(r, now)) ?? rows.find((r) => valid(r, now));
}

function toInfo(r: InfoRow, now: number, signer: InfoRow | undefined): SecretInfo {
  const status = !valid(r, now)
    ? 'expired'
    : r.id === signer?.id
      ? 'current'
      : !active(r, now)
        ? 'pending'
        : 'grace';
  return {
    id: r.id,
    status,
    source: r.source,
    fingerprint: r.fingerprint.slice(0, 12),
    created_at: r.created_at.toISOString(),
    created_by: r.created_by,
    activates_at: r.activates_at ? r.activates_at.toISOString() : null,
    expires_at: r.expires_at ? r.expires_at.toISOString() : null,
  };
}

/**
 * Every secret valid now, the one that signs X-KGC-Signature first (the newest active
 * one), then the others newest first: all sign webhook-signature. `nextExpiry` is when
 * this changes by itself (a secret expires or a scheduled activation comes).
 */
export async function validWebhookSecrets(
  ctx: Pick<Ctx, 'db' | 'clock'>,
): Promise<{ secrets: string[]; nextExpiry: number | null }> {
  const now = ctx.clock.now();
  const { rows } = await ctx.db.query<{
    secret: string;
    expires_at: Date | null;
    activates_at: Date | null;
  }>(sql.VALID, [new Date(now)]);
  const first = signing(rows, now);
  const ordered = first ? [first, ...rows.filter((r) => r !== first)] : rows;
  const changes = rows.flatMap((r) => [
    ...(r.expires_at ? [r.expires_at.getTime()] : []),
    ...(r.activates_at && r.activates_at.getTime() > now ? [r.activates_at.getTime()] : []),
  ]);
  return {
    secrets: ordered.map((r) => r.secret),
    nextExpiry: changes.length ? Math.min(...changes) : null,
  };
}

export async function listWebhookSecrets(ctx: Pick<Ctx, 'db' | 'clock'>): Promise<SecretInfo[]> {
  const { rows } = await ctx.db.query<InfoRow>(sql.LIST);
  const now = ctx.clock.now();
  const signer = signing(rows, now);
  return rows.map((r) => toInfo(r, now, signer));
}

/**
 * A new secret. `activatesAt` null: pending until `activate-webhook`, the others stay as
 * they are; else the others stay valid until `activatesAt` + grace at the latest.
 */
async function insertSecret(
  ctx: Ctx,
  q: Queryable,
  secret: string,
  source: string,
  graceMs: number,
  activatesAt: number | null,
): Promise<InfoRow> {
  const now = ctx.clock.now();
  await q.query(sql.LOCK);
  if (activatesAt !== null)
    await q.query(sql.RETIRE_VALID, [new Date(now), new Date(activatesAt + graceMs), null]);
  const id = `whs_${ctx.random.bytes(6).toString('hex')}`;
  const { rows } = await q.query<InfoRow>(sql.INSERT, [
    id,
    secret,
    fingerprint(secret),
    source,
    new Date(now),
    ctx.actor,
    activatesAt === null ? null : new Date(activatesAt),
    graceMs,
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
        insertSecret(ctx, q, envSecret, 'env', parseDuration(DEFAULT_GRACE), ctx.clock.now()),
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
      : insertSecret(ctx, q, generateWebhookSecret(ctx.random), 'generated', 0, ctx.clock.now());
  });
  if (!row) return 'kept';
  ctx.logger.warn(
    { secretId: row.id },
    'no SUPPORT_WEBHOOK_SECRET: generated a webhook secret; give Support one with `kgc-support secrets rotate-webhook`',
  );
  return 'generated';
}

const MAX_GRACE = '30d';

function graceOf(value: string): number {
  const ms = parseDuration(value, 'grace');
  if (ms > parseDuration(MAX_GRACE))
    throw new KgcError('invalid_duration', `grace: at most ${MAX_GRACE}`);
  return ms;
}

/** `now`, a duration from now (2h), or an ISO 8601 time with its zone. */
function activationTime(value: string, now: number): number {
  const v = value.trim();
  if (v === 'now') return now;
  if (/^\d+(\.\d+)?\s*[a-z]+$/i.test(v)) return now + parseDuration(v, 'activate_at');
  const at = /^\d{4}-\d{2}-\d{2}T/.test(v) && /(Z|[+-]\d{2}:?\d{2})$/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(at))
    throw new KgcError(
      'bad_request',
      `activate_at: "${value}" is neither "now", a duration (2h) nor an ISO 8601 time with its zone (2026-12-08T06:00:00Z)`,
    );
  return Math.max(at, now);
}

/**
 * A new secret, shown once. It signs webhook-signature at once; X-KGC-Signature (the
 * seed's one-secret header) keeps the previous secret until the new one is activated:
 * at `activate_at`, or by `secrets activate-webhook`. The secrets it replaces keep
 * signing webhook-signature until the activation plus `grace`.
 */
export async function rotateWebhookSecret(
  ctx: Ctx,
  input: RotateSecretInput,
): Promise<RotatedSecret> {
  const graceMs = graceOf(input.grace ?? DEFAULT_GRACE);
  const now = ctx.clock.now();
  const at = input.activate_at === undefined ? null : activationTime(input.activate_at, now);
  const secret = generateWebhookSecret(ctx.random);
  const row = await ctx.db.tx((q) => insertSecret(ctx, q, secret, 'rotation', graceMs, at));
  ctx.logger.info(
    { secretId: row.id, actor: ctx.actor, activatesAt: row.activates_at?.toISOString() ?? null },
    'webhook secret rotated',
  );
  const all = await listWebhookSecrets(ctx);
  return {
    secret,
    current: all.find((s) => s.id === row.id) as SecretInfo,
    previous: all.filter((s) => s.id !== row.id && s.status !== 'expired'),
  };
}

/**
 * The second phase: the pending secret (the newest, or `id`) signs X-KGC-Signature from
 * now; every other valid secret keeps signing webhook-signature for the grace.
 */
export async function activateWebhookSecret(
  ctx: Ctx,
  input: ActivateSecretInput,
): Promise<ActivatedSecret> {
  const explicitGrace = input.grace === undefined ? undefined : graceOf(input.grace);
  const row = await ctx.db.tx(async (q) => {
    const now = ctx.clock.now();
    await q.query(sql.LOCK);
    const { rows } = await q.query<InfoRow>(sql.PENDING, [new Date(now), input.id ?? null]);
    const pending = rows[0];
    if (!pending)
      throw new KgcError(
        'not_found',
        input.id
          ? `webhook secret ${input.id} is not waiting for activation (kgc-support secrets list)`
          : 'no webhook secret is waiting for activation: rotate one first (kgc-support secrets rotate-webhook)',
      );
    const graceMs = explicitGrace ?? Number(pending.grace_ms);
    await q.query(sql.RETIRE_VALID, [new Date(now), new Date(now + graceMs), pending.id]);
    const done = await q.query<InfoRow>(sql.ACTIVATE, [pending.id, new Date(now)]);
    await notifyChange(q, 'webhook_secrets', pending.id);
    return done.rows[0] as InfoRow;
  });
  ctx.logger.info({ secretId: row.id, actor: ctx.actor }, 'webhook secret activated');
  const all = await listWebhookSecrets(ctx);
  return {
    current: all.find((s) => s.id === row.id) as SecretInfo,
    previous: all.filter((s) => s.id !== row.id && s.status !== 'expired'),
  };
}
