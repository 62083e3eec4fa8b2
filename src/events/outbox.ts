/**
 * The outbox: the ERP INSERTs an event into kgc_erp.support_outbox inside its own
 * transaction, so the event exists exactly when the business change commits. The
 * daemon moves rows from there into kgc_support.events and deletes them.
 *
 * Where it lives: with the ERP's data, because only there can the ERP write it in
 * the same transaction. When ERP_DATABASE_URL is unset that is the daemon store
 * (migration 003 creates it); with a separate ERP database the daemon creates it
 * there when its role may (else it tells the admin to apply `events outbox-ddl`).
 * Moving across two databases is not atomic, so it is made idempotent instead: the
 * row is inserted into the store first (ON CONFLICT on the event id does nothing)
 * and deleted from the outbox after; a crash in between moves it again, harmlessly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx, ReadCache } from '../context/context.js';
import type { Queryable } from '../context/db.js';
import { migrationsDir } from '../store/open.js';
import type { EventRow } from './event-row.js';
import {
  insertEvents,
  normaliseSeedForms,
  payloadProblem,
  type PreparedEvent,
} from './events.service.js';
import { receiptKey, type ReceiptKey } from '../privacy/customer-hash.js';
import { markErased } from './erased.js';
import type { SeedFormResult } from './seed-forms.js';
import * as sql from './outbox.queries.js';
import { validTraceparent } from './trace.js';

/** The outbox DDL: the marked blocks of migrations 003 and 011, idempotent, for the ERP's DBA. */
export function outboxDdl(): string {
  return ['003_webhooks.sql', '011_webhooks.sql']
    .map((file) => {
      const text = readFileSync(join(migrationsDir(), file), 'utf8');
      const m = /-- BEGIN erp-outbox\n([\s\S]*?)-- END erp-outbox/.exec(text);
      if (!m?.[1]) throw new Error(`migration ${file} lost its erp-outbox block`);
      return m[1];
    })
    .join('');
}

interface OutboxRow {
  seq: number;
  id: string;
  event: string;
  data: unknown;
  occurred_at: Date;
  traceparent: string | null;
}

async function moveBatch(
  src: Queryable,
  dst: Queryable | ((fn: (q: Queryable) => Promise<EventRow[]>) => Promise<EventRow[]>),
  limit: number,
  now: Date,
  key: ReceiptKey,
  cache: ReadCache | undefined,
): Promise<{ moved: number; inserted: EventRow[]; valid: PreparedEvent[] }> {
  const { rows } = await src.query<OutboxRow>(sql.LOCK_BATCH, [limit]);
  if (rows.length === 0) return { moved: 0, inserted: [], valid: [] };
  // The ERP's own database answers the seed form's phone lookups (src is it, or its transaction).
  const normalised = await normaliseSeedForms(
    src,
    rows.map((r) => ({ type: r.event, data: r.data })),
  );
  const prepared: PreparedEvent[] = rows.map((r, i) => {
    const n = normalised[i] as SeedFormResult;
    const problem =
      n.problem !== undefined ? { message: n.problem } : payloadProblem(r.event, n.data);
    // A rejected row keeps the ERP's payload as it came (before any seed-form rewrite), so
    // that `dlq replay` can run it through the same normalise-and-validate path again.
    if (problem)
      return {
        id: r.id,
        type: r.event,
        occurredAt: r.occurred_at,
        data: r.data,
        error: `rejected: ${problem.message}`,
      };
    return {
      id: r.id,
      type: r.event,
      occurredAt: r.occurred_at,
      data: n.data,
      error: null,
      traceparent: validTraceparent(r.traceparent),
    };
  });
  // Events about an erased customer are stored blanked, never sent (src/privacy/late-events.ts).
  const notice = cache?.peerNotice(prepared.filter((e) => e.error === null));
  const write = async (q: Queryable) =>
    insertEvents(q, await markErased(q, key, prepared), 'outbox', now, notice);
  const inserted = typeof dst === 'function' ? await dst(write) : await write(dst);
  await src.query(sql.DELETE_SEQS, [rows.map((r) => r.seq)]);
  return { moved: rows.length, inserted, valid: prepared.filter((e) => e.error === null) };
}

/**
 * Moves up to `limit` outbox rows into the event store. A row whose payload fails
 * its schema is stored as `rejected` with its payload, never sent, shows in `dlq
 * list`, and is logged at warn with the reason (never the payload: it may hold
 * personal data); `dlq replay` validates it again, `dlq purge` discards it.
 */
export async function drainOutbox(
  ctx: Pick<Ctx, 'db' | 'erp' | 'clock' | 'logger' | 'cache' | 'config' | 'random'>,
  limit = 500,
): Promise<{ moved: number; inserted: EventRow[] }> {
  const now = new Date(ctx.clock.now());
  // Read before the transaction: on the embedded store it holds the only connection.
  const key = await receiptKey(ctx);
  const moved =
    ctx.erp === ctx.db
      ? await ctx.db.tx((q) => moveBatch(q, q, limit, now, key, ctx.cache))
      : await ctx.erp.tx((eq) => moveBatch(eq, (fn) => ctx.db.tx(fn), limit, now, key, ctx.cache));
  // Committed: the read cache drops what these events make stale.
  if (moved.valid.length > 0) await ctx.cache?.invalidate(moved.valid);
  for (const r of moved.inserted) {
    if (r.status !== 'rejected') continue;
    ctx.logger.warn(
      { eventId: r.id, event: r.type, reason: r.last_error },
      'outbox event rejected by its schema: kept in the DLQ, not sent (kgc-support dlq list; after a fix: dlq replay, or dlq purge to discard it)',
    );
  }
  return { moved: moved.moved, inserted: moved.inserted };
}

export type OutboxState = 'present' | 'created' | 'missing';

/** Makes sure the ERP database has the outbox; `missing` when it is absent and cannot be created. */
export async function ensureOutbox(
  ctx: Pick<Ctx, 'erp' | 'logger'>,
): Promise<{ state: OutboxState; error?: string }> {
  const { rows } = await ctx.erp.query<{ present: boolean }>(sql.EXISTS);
  if (rows[0]?.present) return { state: 'present' };
  try {
    await ctx.erp.exec(outboxDdl());
    ctx.logger.info('created the event outbox kgc_erp.support_outbox in the ERP database');
    return { state: 'created' };
  } catch (err) {
    return { state: 'missing', error: (err as Error).message };
  }
}
