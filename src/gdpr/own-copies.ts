/**
 * The daemon's own copies of a customer (step 6, `store`): events in every status
 * with their delivery attempts (whose stored answers may echo the payload), the audit
 * log's resource ids, the booking replies kept for Idempotency-Key replays, and the
 * rows the ERP wrote into its outbox that the daemon has not moved yet.
 *
 * Found by the customer's needles (src/privacy/needles.ts): their id, every form of
 * their phone, their full name and e-mail, as the ERP had them when the request was
 * recorded and as our own events about them carry them (unless another ERP customer
 * shares a detail). Erased as the erase mode says: `delete` removes events and their
 * attempts; `anonymise` keeps the rows (ids, times, outcomes) with the person blanked,
 * and nothing of them is sent any more. The audit log keeps every row: one that named
 * the customer names the erasure request instead.
 */
import type { Ctx } from '../context/context.js';
import type { Queryable } from '../context/db.js';
import { envelopeBody } from '../events/catalogue.js';
import { insertEvents } from '../events/events.service.js';
import {
  mentions,
  needlePattern,
  needleRegExp,
  needlesOf,
  redactCustomerObjects,
  redactJson,
  redactText,
  type Needles,
} from '../privacy/needles.js';
import * as sql from './gdpr.queries.js';
import type { Counts, EraseMode } from './gdpr.schema.js';

export interface Pattern {
  readonly needles: Needles;
  readonly pg: string;
  readonly js: RegExp;
}

type Fields = Record<string, unknown>;
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Adds the `customer` objects' details to what the request knew, leaving out what another customer shares. */
export async function patternFor(
  ctx: Ctx,
  known: { customerId: string; phone: string | null; name: string | null; email: string | null },
  outbox: boolean,
): Promise<Pattern> {
  const seen: Fields[] = [];
  const collect = async (q: Queryable, query: string) => {
    const { rows } = await q.query<{ customer: Fields }>(query, [known.customerId]);
    seen.push(...rows.map((r) => r.customer));
  };
  await collect(ctx.db, sql.EVENT_CUSTOMERS);
  if (outbox) await collect(ctx.erp, sql.OUTBOX_CUSTOMERS);
  const candidate = needlesOf(known.customerId, {
    phones: [known.phone, ...seen.map((c) => text(c.phone))],
    names: [known.name, ...seen.map((c) => text(c.name))],
    emails: [known.email, ...seen.map((c) => text(c.email))],
  });
  const { rows } = await ctx.erp.query<{ phone: string | null; name: string; email: string }>(
    sql.SHARED_DETAILS,
    [
      known.customerId,
      candidate.phones,
      candidate.names.map((n) => n.toLowerCase()),
      candidate.emails,
    ],
  );
  const needles: Needles = {
    customerId: known.customerId,
    phones: candidate.phones.filter((p) => !rows.some((r) => r.phone === p)),
    names: candidate.names.filter((n) => !rows.some((r) => r.name === n.toLowerCase())),
    emails: candidate.emails.filter((e) => !rows.some((r) => r.email === e)),
  };
  return { needles, pg: needlePattern(needles, 'pg'), js: needleRegExp(needles) };
}

export interface EventHit {
  id: string;
  type: string;
  status: string;
  occurred_at: Date;
  data: unknown;
  last_error: string | null;
}
interface AttemptHit {
  event_id: string;
  attempt: number;
  url: string;
  response: string | null;
  error: string | null;
}

const redactOpt = (t: string | null, re: RegExp) => (t === null ? null : redactText(t, re));

/**
 * Erases the copies in kgc_support (call it in one transaction). Events `keep` says to
 * leave for now (a customer.deleted still on its way to Support) are left with their
 * attempts, and counted as `kept`. The counts name kinds of rows, never their content.
 */
export async function eraseOwnCopies(
  q: Queryable,
  p: Pattern,
  mode: EraseMode,
  requestId: string,
  keep: (e: EventHit) => boolean,
): Promise<{ counts: Counts; kept: number }> {
  const { rows: found } = await q.query<EventHit>(sql.EVENTS_MENTIONING, [p.pg]);
  const hits = found.filter((e) => !keep(e));
  const keptIds = new Set(found.filter((e) => keep(e)).map((e) => e.id));
  const ids = hits.map((e) => e.id);
  const counts: Counts = {};
  const attempts = (await q.query<AttemptHit>(sql.ATTEMPTS_MENTIONING, [p.pg, ids])).rows.filter(
    (a) => !keptIds.has(a.event_id),
  );
  // In both modes an event whose id itself names the customer cannot stay.
  const drop = new Set(
    mode === 'delete' ? ids : hits.filter((e) => mentions(e.id, p.js)).map((e) => e.id),
  );
  if (drop.size > 0) {
    counts.attempts_deleted = (await q.query(sql.DELETE_ATTEMPTS_OF, [[...drop]])).rowCount;
    counts.events_deleted = (await q.query(sql.DELETE_EVENTS, [[...drop]])).rowCount;
  }
  const blank = hits.filter((e) => !drop.has(e.id));
  if (blank.length > 0) {
    const data = blank.map((e) =>
      redactJson(redactCustomerObjects(e.data, p.needles.customerId), p.js),
    );
    const note = `customer erased by ${requestId}`;
    await q.query(sql.REDACT_EVENTS, [
      blank.map((e) => e.id),
      data.map((d) => JSON.stringify(d)),
      // The body is what would be sent: the blanked payload (a rejected event had none).
      blank.map((e, i) =>
        e.status === 'rejected'
          ? ''
          : envelopeBody({ id: e.id, type: e.type, occurredAt: e.occurred_at, data: data[i] }),
      ),
      blank.map((e) => {
        const was = redactOpt(e.last_error, p.js);
        return was === null ? note : `${was}; ${note}`;
      }),
    ]);
    counts.events_anonymised = blank.length;
  }
  const left = attempts.filter((a) => !drop.has(a.event_id));
  if (left.length > 0) {
    await q.query(sql.REDACT_ATTEMPTS, [
      left.map((a) => a.event_id),
      left.map((a) => a.attempt),
      left.map((a) => redactText(a.url, p.js)),
      left.map((a) => redactOpt(a.response, p.js)),
      left.map((a) => redactOpt(a.error, p.js)),
    ]);
    counts.attempts_anonymised = left.length;
  }
  counts.audit_rows = (await q.query(sql.PSEUDONYMISE_AUDIT, [p.pg, requestId])).rowCount;
  counts.booking_replies = (await q.query(sql.DELETE_REPLIES_MENTIONING, [p.pg])).rowCount;
  return { counts, kept: keptIds.size };
}

/**
 * The ERP's outbox rows that name the customer. Delete mode: deleted. Anonymise: taken
 * in now as the late-event rule takes an event about an erased customer (stored blanked
 * in kgc_support.events, never sent), then deleted from the outbox. The insert is
 * idempotent on the event id, so a run stopped between the two repeats it harmlessly.
 */
export async function eraseOutboxRows(
  ctx: Pick<Ctx, 'db' | 'erp' | 'clock'>,
  p: Pattern,
  mode: EraseMode,
  requestId: string,
): Promise<number> {
  const { rows } = await ctx.erp.query<{
    seq: string;
    id: string;
    event: string;
    data: unknown;
    occurred_at: Date;
  }>(sql.OUTBOX_MENTIONING, [p.pg]);
  if (rows.length === 0) return 0;
  if (mode === 'anonymise') {
    const events = rows
      .filter((r) => !mentions(r.id, p.js))
      .map((r) => ({
        id: r.id,
        type: r.event,
        occurredAt: r.occurred_at,
        data: redactJson(redactCustomerObjects(r.data, p.needles.customerId), p.js),
        error: null,
        erased: `customer erased by ${requestId} before this outbox row was taken in: stored blanked, never sent`,
      }));
    await ctx.db.tx((q) => insertEvents(q, events, 'outbox', new Date(ctx.clock.now())));
  }
  return (await ctx.erp.query(sql.DELETE_OUTBOX_ROWS, [rows.map((r) => r.seq)])).rowCount;
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * The verification: every text-like column of every table of `schema` searched for
 * the customer (`only`: just these tables). Rows per table that still name them.
 */
export async function searchSchema(
  q: Queryable,
  schema: string,
  p: Pattern,
  skip: ReadonlySet<string> = new Set(),
  only?: ReadonlySet<string>,
): Promise<Counts> {
  const { rows } = await q.query<{ t: string; c: string }>(sql.TEXT_COLUMNS, [schema]);
  const tables = new Map<string, string[]>();
  for (const r of rows) {
    if (skip.has(r.t) || (only && !only.has(r.t))) continue;
    tables.set(r.t, [...(tables.get(r.t) ?? []), r.c]);
  }
  const found: Counts = {};
  for (const [t, cols] of tables) {
    const where = cols.map((c) => `${ident(c)}::text ~ $1`).join(' OR ');
    const res = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ident(schema)}.${ident(t)} WHERE ${where}`,
      [p.pg],
    );
    const n = res.rows[0]?.n ?? 0;
    if (n > 0) found[`${schema}.${t}`] = n;
  }
  return found;
}

/** An access request: every copy this module keeps about the customer, as it is kept. */
export async function collectOwnCopies(
  ctx: Pick<Ctx, 'db' | 'erp'>,
  p: Pattern,
  outbox: boolean,
): Promise<Record<string, unknown[]>> {
  const events = (await ctx.db.query<{ id: string }>(sql.EXPORT_EVENTS, [p.pg])).rows;
  const out: Record<string, unknown[]> = {
    events,
    delivery_attempts: (await ctx.db.query(sql.EXPORT_ATTEMPTS, [p.pg, events.map((e) => e.id)]))
      .rows,
    audit_log: (await ctx.db.query(sql.EXPORT_AUDIT, [p.pg])).rows,
    booking_replies: (await ctx.db.query(sql.EXPORT_REPLIES, [p.pg])).rows,
  };
  if (outbox) out.erp_outbox = (await ctx.erp.query(sql.EXPORT_OUTBOX, [p.pg])).rows;
  return out;
}
