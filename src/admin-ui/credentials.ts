/**
 * The admin page's login credential. `kgc-support admin password` generates a password,
 * prints it once and stores only its scrypt hash (salted, memory-hard); a reset
 * replaces the hash, and the new `updated_at` ends the sessions of the old password.
 * Verifying an unknown user costs one scrypt as well, so the answer time does not tell
 * which user names exist.
 */
import { scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import * as sql from './credentials.queries.js';

export const ADMIN_USER_PATTERN = '^[a-z][a-z0-9._-]{0,31}$';
export const DEFAULT_ADMIN_USER = 'admin';

/** N = 2^14, r = 8: 16 MiB and about 50 ms per hash (OWASP's scrypt floor is N = 2^17 with p = 1, or equivalents). */
const PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LEN = 32;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
/** 22 characters of a 57-letter alphabet without look-alikes (0/O, 1/l/I): about 128 bits. */
const PASSWORD_LENGTH = 22;

export const PasswordInput = Type.Object({
  user: Type.Optional(Type.String({ pattern: ADMIN_USER_PATTERN, default: DEFAULT_ADMIN_USER })),
});
export type PasswordInput = Static<typeof PasswordInput>;

export const IssuedPassword = Type.Object({
  user: Type.String(),
  password: Type.String({ description: 'Shown once; only its scrypt hash is stored' }),
  created: Type.Boolean({ description: 'false: an existing password was replaced' }),
});
export type IssuedPassword = Static<typeof IssuedPassword>;

function scryptAsync(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** "scrypt$N$r$p$<salt base64>$<hash base64>" */
export async function hashPassword(password: string, salt: Buffer): Promise<string> {
  const key = await scryptAsync(password, salt, PARAMS);
  return [
    'scrypt',
    PARAMS.N,
    PARAMS.r,
    PARAMS.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

/** Whether `password` matches a stored hash; false for a hash this code cannot read. */
export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [tag, n, r, p, salt, hash] = stored.split('$');
  if (tag !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const opts = { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 };
  if (![opts.N, opts.r, opts.p].every((v) => Number.isInteger(v) && v > 0)) return false;
  const got = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, Buffer.from(salt, 'base64'), expected.length, opts, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export function generatePassword(random: Ctx['random']): string {
  let out = '';
  for (let i = 0; i < PASSWORD_LENGTH; i++) out += ALPHABET[random.int(ALPHABET.length)];
  return out;
}

/** Sets a new password for `user` (creating the credential) and returns it: the only time it is seen. */
export async function issuePassword(ctx: Ctx, input: PasswordInput): Promise<IssuedPassword> {
  const user = input.user ?? DEFAULT_ADMIN_USER;
  if (!new RegExp(ADMIN_USER_PATTERN).test(user))
    throw new KgcError('bad_request', 'user: lowercase letters, digits, . _ - (up to 32)');
  const password = generatePassword(ctx.random);
  const hash = await hashPassword(password, ctx.random.bytes(16));
  const { rows } = await ctx.db.query<{ created: boolean }>(sql.UPSERT, [
    user,
    hash,
    new Date(ctx.clock.now()),
    ctx.actor,
  ]);
  return { user, password, created: rows[0]?.created === true };
}

/** A fixed hash to spend the same time on when the user does not exist. */
let decoy: Promise<string> | undefined;

/**
 * The credential's version (its updated_at in ms) when user and password match, else
 * undefined. A session keeps the version and ends when it changes (a reset).
 */
export async function verifyPassword(
  ctx: Pick<Ctx, 'db'>,
  user: string,
  password: string,
): Promise<number | undefined> {
  const { rows } = await ctx.db.query<{ password_hash: string; updated_at: Date }>(sql.BY_USER, [
    user,
  ]);
  const row = rows[0];
  if (!row) {
    decoy ??= hashPassword('decoy', Buffer.alloc(16));
    await passwordMatches(password, await decoy);
    return undefined;
  }
  return (await passwordMatches(password, row.password_hash))
    ? row.updated_at.getTime()
    : undefined;
}

/** The credential's current version, or undefined when it is gone. */
export async function credentialVersion(
  ctx: Pick<Ctx, 'db'>,
  user: string,
): Promise<number | undefined> {
  const { rows } = await ctx.db.query<{ updated_at: Date }>(sql.BY_USER, [user]);
  return rows[0]?.updated_at.getTime();
}
