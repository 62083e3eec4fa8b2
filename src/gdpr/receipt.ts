/**
 * The receipt proves an erasure without keeping the data: the customer appears only
 * as HMAC-SHA256(receipt key, customer id). Customer ids are short and guessable
 * (C-123), so a plain hash could be reversed by trying them all; a keyed one cannot
 * without the key. KGC_GDPR_RECEIPT_KEY sets the key; unset, one is generated once
 * and kept in the store. Whoever holds the key can answer "was C-123 erased?" by
 * hashing the id again (`gdpr status --customer C-123`).
 */
import { createHash, createHmac } from 'node:crypto';
import type { Ctx } from '../context/context.js';
import * as sql from './gdpr.queries.js';
import type { Receipt, RequestView } from './gdpr.schema.js';

export interface ReceiptKey {
  readonly secret: Buffer;
  /** A fingerprint, safe to print: which key made a hash. */
  readonly id: string;
}

function keyOf(secret: Buffer): ReceiptKey {
  return { secret, id: `rk_${createHash('sha256').update(secret).digest('hex').slice(0, 12)}` };
}

export async function receiptKey(
  ctx: Pick<Ctx, 'config' | 'db' | 'clock' | 'random'>,
): Promise<ReceiptKey> {
  if (ctx.config.gdprReceiptKey !== undefined)
    return keyOf(Buffer.from(ctx.config.gdprReceiptKey, 'utf8'));
  const read = async () =>
    (await ctx.db.query<{ secret: string }>(sql.RECEIPT_KEY)).rows[0]?.secret;
  let stored = await read();
  if (stored === undefined) {
    // Two processes racing here both insert-or-nothing, then read the one that won.
    await ctx.db.query(sql.INSERT_RECEIPT_KEY, [
      ctx.random.bytes(32).toString('base64'),
      new Date(ctx.clock.now()),
    ]);
    stored = await read();
  }
  return keyOf(Buffer.from(stored as string, 'base64'));
}

export function customerHash(key: ReceiptKey, customerId: string): string {
  return createHmac('sha256', key.secret).update(customerId, 'utf8').digest('hex');
}

export function toReceipt(view: RequestView, hashKeyId: string): Receipt {
  return {
    receipt_version: 1,
    request_id: view.request_id,
    state: view.state,
    reason: view.reason,
    source: view.source,
    erase_mode: view.erase_mode,
    customer: { hash: `hmac-sha256:${view.customer_hash}`, key_id: hashKeyId },
    trigger_event_id: view.trigger_event_id,
    requested_by: view.requested_by,
    received_at: view.received_at,
    started_at: view.started_at,
    finished_at: view.finished_at,
    steps: view.steps.map((s) => ({
      step: s.step,
      position: s.position,
      outcome: s.state,
      verified: s.verified,
      counts: s.counts,
      detail: s.detail,
      attempts: s.attempts,
      started_at: s.started_at,
      finished_at: s.finished_at,
    })),
  };
}
