/**
 * A customer as a keyed hash: HMAC-SHA256(receipt key, customer id). Customer ids are
 * short and guessable (C-123), so a plain hash could be reversed by trying them all; a
 * keyed one cannot without the key. KGC_GDPR_RECEIPT_KEY sets the key; unset, one is
 * generated once and kept in the store. Whoever holds the key can answer "was C-123
 * erased?" by hashing the id again (`gdpr status --customer C-123`), and the daemon
 * recognises an event about an erased customer the same way (late-events.ts).
 */
import { createHash, createHmac } from 'node:crypto';
import type { Ctx } from '../context/context.js';
import type { Db } from '../context/db.js';
import * as sql from './privacy.queries.js';

export interface ReceiptKey {
  readonly secret: Buffer;
  /** A fingerprint, safe to print: which key made a hash. */
  readonly id: string;
}

function keyOf(secret: Buffer): ReceiptKey {
  return { secret, id: `rk_${createHash('sha256').update(secret).digest('hex').slice(0, 12)}` };
}

/** The stored key never changes once made: read once per store. */
const stored = new WeakMap<Db, Promise<ReceiptKey>>();

export async function receiptKey(
  ctx: Pick<Ctx, 'config' | 'db' | 'clock' | 'random'>,
): Promise<ReceiptKey> {
  if (ctx.config.gdprReceiptKey !== undefined)
    return keyOf(Buffer.from(ctx.config.gdprReceiptKey, 'utf8'));
  let key = stored.get(ctx.db);
  if (!key) {
    key = storedKey(ctx);
    stored.set(ctx.db, key);
    key.catch(() => stored.delete(ctx.db));
  }
  return key;
}

async function storedKey(ctx: Pick<Ctx, 'db' | 'clock' | 'random'>): Promise<ReceiptKey> {
  const read = async () =>
    (await ctx.db.query<{ secret: string }>(sql.RECEIPT_KEY)).rows[0]?.secret;
  let secret = await read();
  if (secret === undefined) {
    // Two processes racing here both insert-or-nothing, then read the one that won.
    await ctx.db.query(sql.INSERT_RECEIPT_KEY, [
      ctx.random.bytes(32).toString('base64'),
      new Date(ctx.clock.now()),
    ]);
    secret = await read();
  }
  return keyOf(Buffer.from(secret as string, 'base64'));
}

export function customerHash(key: ReceiptKey, customerId: string): string {
  return createHmac('sha256', key.secret).update(customerId, 'utf8').digest('hex');
}
