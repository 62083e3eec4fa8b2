/** API key lifecycle: create, list, rotate, revoke, expiring. Keys are stored only as hashes. */
import type { Ctx } from '../context/context.js';
import { formatDuration, parseDuration } from '../config/duration.js';
import { KgcError } from '../errors/kgc-error.js';
import { notifyChange } from '../store/changes.js';
import type { Queryable } from '../context/db.js';
import { displayPrefix, hashKey } from '../formats/api-key.js';
import { parseKeyRate } from './key-rate.js';
import { generateKey, newKeyId } from './key-format.js';
import * as sql from './keys.queries.js';
import { DEFAULT_KEY_LIFETIME } from './lifetime.js';
import {
  type CreateKeyInput,
  type IssuedKey,
  type KeyInfo,
  type RotatedKey,
  type RotateKeyInput,
} from './keys.schema.js';
import { SCOPES, type Scope } from './scopes.js';

export interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  rate_per_sec: number | null;
  rate_burst: number | null;
  created_at: Date;
  created_by: string;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  rotated_to: string | null;
  rotated_from: string | null;
  last_used_at: Date | null;
}

const MAX_LIFETIME_MS = parseDuration('730d');

export function keyStatus(row: KeyRow, now: number): KeyInfo['status'] {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at.getTime() <= now) return 'expired';
  if (row.rotated_to) return 'rotated';
  return 'active';
}

function formatRate(row: KeyRow): string | null {
  if (row.rate_per_sec === null) return null;
  return `${row.rate_per_sec}/s,burst=${row.rate_burst ?? Math.max(10, Math.ceil(row.rate_per_sec))}`;
}

export function toKeyInfo(row: KeyRow, now: number): KeyInfo {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    status: keyStatus(row, now),
    rate_limit: formatRate(row),
    created_at: row.created_at.toISOString(),
    created_by: row.created_by,
    expires_at: row.expires_at.toISOString(),
    revoked_at: iso(row.revoked_at),
    rotated_to: row.rotated_to,
    rotated_from: row.rotated_from,
    last_used_at: iso(row.last_used_at),
  };
}

export function validateScopes(scopes: readonly string[]): Scope[] {
  const out = new Set<Scope>();
  for (const raw of scopes
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(SCOPES as readonly string[]).includes(raw)) {
      throw new KgcError(
        'invalid_scope',
        `unknown scope "${raw}"; scopes are ${SCOPES.join(', ')}`,
      );
    }
    out.add(raw as Scope);
  }
  if (out.size === 0)
    throw new KgcError('invalid_scope', `a key needs at least one scope: ${SCOPES.join(', ')}`);
  return [...out];
}

export function validateName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new KgcError('bad_request', 'key name: 1 to 100 printable characters');
  }
  return trimmed;
}

export async function insertKey(
  ctx: Ctx,
  q: Queryable,
  fields: {
    name: string;
    scopes: string[];
    ratePerSec: number | null;
    rateBurst: number | null;
    lifetimeMs: number;
    rotatedFrom: string | null;
    plaintext?: string;
  },
): Promise<{ row: KeyRow; plaintext: string }> {
  const plaintext = fields.plaintext ?? generateKey(ctx.random);
  const now = ctx.clock.now();
  const { rows } = await q.query<KeyRow>(sql.INSERT, [
    newKeyId(ctx.random),
    fields.name,
    displayPrefix(plaintext),
    hashKey(plaintext),
    fields.scopes,
    fields.ratePerSec,
    fields.rateBurst,
    new Date(now),
    ctx.actor,
    new Date(now + fields.lifetimeMs),
    fields.rotatedFrom,
  ]);
  return { row: rows[0] as KeyRow, plaintext };
}

export async function createKey(ctx: Ctx, input: CreateKeyInput): Promise<IssuedKey> {
  const name = validateName(input.name);
  const scopes = validateScopes(input.scopes);
  const lifetimeMs = lifetimeOf(input.expires_in ?? DEFAULT_KEY_LIFETIME);
  const rate = input.rate_limit ? (parseKeyRate(input.rate_limit) ?? undefined) : undefined;
  const { row, plaintext } = await ctx.db.tx(async (q) => {
    const r = await insertKey(ctx, q, {
      name,
      scopes,
      ratePerSec: rate?.perSecond ?? null,
      rateBurst: rate?.burst ?? null,
      lifetimeMs,
      rotatedFrom: null,
    });
    await notifyChange(q, 'keys', r.row.id);
    return r;
  });
  ctx.logger.info({ keyId: row.id, scopes, actor: ctx.actor }, 'API key created');
  return { key: toKeyInfo(row, ctx.clock.now()), api_key: plaintext };
}

export async function getKey(ctx: Ctx, id: string): Promise<KeyInfo> {
  const { rows } = await ctx.db.query<KeyRow>(sql.BY_ID, [id]);
  if (!rows[0]) throw new KgcError('key_not_found', `no API key with id ${id}`);
  return toKeyInfo(rows[0], ctx.clock.now());
}

export async function listKeys(ctx: Ctx, input: { all?: boolean }): Promise<KeyInfo[]> {
  const now = ctx.clock.now();
  const { rows } = await ctx.db.query<KeyRow>(sql.LIST, [input.all ?? false, new Date(now)]);
  return rows.map((r) => toKeyInfo(r, now));
}

export async function expiringKeys(ctx: Ctx, input: { within?: string }): Promise<KeyInfo[]> {
  const now = ctx.clock.now();
  const within = parseDuration(input.within ?? '14d', 'within');
  const { rows } = await ctx.db.query<KeyRow>(sql.EXPIRING, [
    new Date(now),
    new Date(now + within),
  ]);
  return rows.map((r) => toKeyInfo(r, now));
}

function lifetimeOf(expiresIn: string): number {
  const ms = parseDuration(expiresIn, 'expires-in');
  if (ms < 60_000 || ms > MAX_LIFETIME_MS)
    throw new KgcError(
      'invalid_duration',
      `expires-in must be between 1m and ${formatDuration(MAX_LIFETIME_MS)}`,
    );
  return ms;
}

/**
 * Issues a successor with the same name, scopes, rate and lifetime (or `expires_in`),
 * and lets the old key live on for `grace` (never past its own expiry).
 */
export async function rotateKey(ctx: Ctx, input: RotateKeyInput): Promise<RotatedKey> {
  const graceMs = parseDuration(input.grace ?? '24h', 'grace');
  if (graceMs > parseDuration('30d')) throw new KgcError('invalid_duration', 'grace: at most 30d');
  const givenLifetime = input.expires_in === undefined ? undefined : lifetimeOf(input.expires_in);
  const result = await ctx.db.tx(async (q) => {
    const now = ctx.clock.now();
    const { rows } = await q.query<KeyRow>(sql.BY_ID_FOR_UPDATE, [input.id]);
    const old = rows[0];
    if (!old) throw new KgcError('key_not_found', `no API key with id ${input.id}`);
    const status = keyStatus(old, now);
    if (status === 'rotated')
      throw new KgcError(
        'key_already_rotated',
        `key ${old.id} was already rotated to ${old.rotated_to}; rotate that one instead`,
      );
    if (status !== 'active')
      throw new KgcError(
        'key_not_active',
        `key ${old.id} is ${status} and cannot be rotated; create a new one`,
      );
    const lifetimeMs =
      givenLifetime ?? Math.max(60_000, old.expires_at.getTime() - old.created_at.getTime());
    const fresh = await insertKey(ctx, q, {
      name: old.name,
      scopes: old.scopes,
      ratePerSec: old.rate_per_sec,
      rateBurst: old.rate_burst,
      lifetimeMs,
      rotatedFrom: old.id,
    });
    const prev = await q.query<KeyRow>(sql.MARK_ROTATED, [
      old.id,
      fresh.row.id,
      new Date(now + graceMs),
    ]);
    await notifyChange(q, 'keys', old.id);
    return { fresh, previous: prev.rows[0] as KeyRow };
  });
  const now = ctx.clock.now();
  ctx.logger.info(
    { keyId: input.id, successor: result.fresh.row.id, actor: ctx.actor },
    'API key rotated',
  );
  return {
    key: toKeyInfo(result.fresh.row, now),
    api_key: result.fresh.plaintext,
    previous: toKeyInfo(result.previous, now),
  };
}

/** Revokes at once; revoking a revoked key is a no-op that reports it. */
export async function revokeKey(ctx: Ctx, input: { id: string }): Promise<KeyInfo> {
  const row = await ctx.db.tx(async (q) => {
    const { rows } = await q.query<KeyRow>(sql.REVOKE, [
      input.id,
      new Date(ctx.clock.now()),
      ctx.actor,
    ]);
    if (rows[0]) {
      await notifyChange(q, 'keys', input.id);
      return rows[0];
    }
    const existing = await q.query<KeyRow>(sql.BY_ID, [input.id]);
    if (!existing.rows[0]) throw new KgcError('key_not_found', `no API key with id ${input.id}`);
    return existing.rows[0];
  });
  ctx.logger.info({ keyId: input.id, actor: ctx.actor }, 'API key revoked');
  return toKeyInfo(row, ctx.clock.now());
}
