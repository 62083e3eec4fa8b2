/**
 * Publishing and reading events. Publishing only writes the store (the outbox of
 * DESIGN.md 2): delivery is the dispatcher's job, so a Support outage never blocks
 * the ERP. The same event id twice is one event. While the module is disabled an
 * event is stored as `skipped` and never sent, not later either.
 */
import { validTraceparent, type EventOrigin } from './trace.js';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType } from '@sinclair/typebox/errors';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import type { Queryable } from '../context/db.js';
import { envelopeBody, EVENT_TYPES, isEventType, PAYLOADS, type EventType } from './catalogue.js';
import { customerIdsByPhones } from '../erp/customers.js';
import { receiptKey } from '../privacy/customer-hash.js';
import { markErased } from './erased.js';
import { toEventInfo, type EventRow } from './event-row.js';
import { normaliseSeedForm, seedFormPhones, type SeedFormResult } from './seed-forms.js';
import * as sql from './events.queries.js';
import { unstorableField } from '../formats/storable-text.js';
import type {
  AttemptInfo,
  EventDetail,
  EventInfo,
  EventSource,
  EventStats,
  PublishInput,
  PublishResult,
} from './events.schema.js';

const checkers = new Map<EventType, TypeCheck<TSchema>>(
  EVENT_TYPES.map((t) => [t, TypeCompiler.Compile(PAYLOADS[t])]),
);

/** Why a payload is refused, or undefined when it is valid. */
export function payloadProblem(
  type: string,
  data: unknown,
): { code: 'unknown_event_type' | 'invalid_event'; message: string } | undefined {
  if (!isEventType(type))
    return {
      code: 'unknown_event_type',
      message: `unknown event type "${type}"; types are ${EVENT_TYPES.join(', ')}`,
    };
  // Before the schema: text the database cannot store must fail this event alone.
  const unstorable = unstorableField(data);
  if (unstorable) return { code: 'invalid_event', message: `${type}: ${unstorable}` };
  const check = checkers.get(type) as TypeCheck<TSchema>;
  if (check.Check(data)) {
    const customer = (data as { customer?: { id?: string; phone?: string } }).customer;
    if (customer && customer.id === undefined && customer.phone === undefined) {
      return { code: 'invalid_event', message: `${type}: data.customer needs an id or a phone` };
    }
    return undefined;
  }
  const first = check.Errors(data).First();
  const where = first?.path ? `data${first.path.replace(/\//g, '.')}` : 'data';
  const extra =
    first?.type === ValueErrorType.ObjectAdditionalProperties
      ? ' (fields not in the schema are refused: data minimisation)'
      : '';
  return {
    code: 'invalid_event',
    message: `${type}: ${where} ${first?.message ?? 'is invalid'}${extra}`,
  };
}

/**
 * Rewrites payloads sent in the seed document's form into the closed form
 * (seed-forms.ts), looking their customers' phones up in the ERP in one query.
 * Every publishing path runs this before validating: the API, the CLI, the outbox.
 */
export async function normaliseSeedForms(
  erp: Queryable,
  items: readonly { type: string; data: unknown }[],
): Promise<SeedFormResult[]> {
  const phones = items.flatMap((i) => seedFormPhones(i.type, i.data));
  const ids = await customerIdsByPhones(erp, phones);
  return items.map((i) => normaliseSeedForm(i.type, i.data, ids));
}

export function newEventId(ctx: Pick<Ctx, 'random'>): string {
  return `evt_${ctx.random.bytes(16).toString('hex')}`;
}

/**
 * One event ready to insert; `error` set means it is stored as rejected, with its
 * data as the ERP gave it (its own data: kept for `dlq replay` after a fix, never sent).
 */
export interface PreparedEvent {
  id: string;
  type: string;
  occurredAt: Date;
  data: unknown;
  error: string | null;
  /** About an erased customer (src/privacy/late-events.ts): blanked, stored as skipped with this note. */
  erased?: string | null;
  /** Its origin's W3C traceparent (validated); none: the store starts a trace. */
  traceparent?: string | null;
  /** The request id of the HTTP call that published it. */
  requestId?: string | null;
}

/** Inserts events in one statement that also wakes the dispatchers; returns the rows actually inserted. */
export async function insertEvents(
  q: Queryable,
  events: readonly PreparedEvent[],
  source: EventSource,
  now: Date,
  /** What these events make stale, for other daemons' read caches (ReadCache.peerNotice). */
  cacheNotice?: string,
): Promise<EventRow[]> {
  if (events.length === 0) return [];
  const cols: [
    string[],
    string[],
    Date[],
    string[],
    string[],
    (string | null)[],
    (string | null)[],
    (string | null)[],
    (string | null)[],
  ] = [[], [], [], [], [], [], [], [], []];
  for (const e of events) {
    const data = e.data;
    cols[0].push(e.id);
    cols[1].push(e.type);
    cols[2].push(e.occurredAt);
    cols[3].push(JSON.stringify(data));
    cols[4].push(
      e.error === null
        ? envelopeBody({ id: e.id, type: e.type, occurredAt: e.occurredAt, data })
        : '',
    );
    cols[5].push(e.error);
    cols[6].push(e.erased ?? null);
    cols[7].push(e.traceparent ?? null);
    cols[8].push(e.requestId ?? null);
  }
  const [ids, types, times, data, bodies, errors, erased, traces, requests] = cols;
  const { rows } = await q.query<EventRow>(sql.INSERT_BATCH, [
    ids,
    types,
    times,
    data,
    bodies,
    errors,
    source,
    now,
    erased,
    cacheNotice ?? null,
    traces,
    requests,
  ]);
  return rows;
}

/** Validates one publish request into the row to insert; throws the request's own error. */
export function preparePublish(
  ctx: Pick<Ctx, 'random' | 'clock'>,
  input: PublishInput & { origin?: EventOrigin },
): PreparedEvent {
  const problem = payloadProblem(input.event, input.data);
  if (problem) throw new KgcError(problem.code, problem.message);
  const occurredAt = input.occurred_at ? new Date(input.occurred_at) : new Date(ctx.clock.now());
  if (Number.isNaN(occurredAt.getTime()))
    throw new KgcError('invalid_event', `occurred_at "${input.occurred_at}" is not a valid time`);
  return {
    id: input.id ?? newEventId(ctx),
    type: input.event,
    occurredAt,
    data: input.data,
    error: null,
    traceparent: validTraceparent(input.origin?.traceparent),
    requestId: input.origin?.requestId ?? null,
  };
}

/** The id was taken: the same event again is a replay; another event under its id is refused. */
async function replayOrConflict(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  e: PreparedEvent,
): Promise<PublishResult> {
  const { rows } = await ctx.db.query<EventRow & { same: boolean }>(sql.SAME_AS, [
    e.id,
    e.type,
    JSON.stringify(e.data),
  ]);
  const existing = rows[0];
  if (!existing) throw new KgcError('internal', `event ${e.id} vanished while publishing`);
  if (!existing.same)
    throw new KgcError(
      'event_id_conflict',
      `event id ${e.id} is already used by another ${existing.type} event`,
      { extras: { event_id: e.id } },
    );
  return { event: toEventInfo(existing, ctx.clock.now()), replayed: true };
}

export async function publishEvent(
  ctx: Ctx,
  input: PublishInput & { origin?: EventOrigin },
  source: EventSource = 'cli',
): Promise<PublishResult> {
  const [result] = await publishEvents(ctx, [input], source);
  if (!result || result.status === 'rejected')
    throw result?.reason ?? new KgcError('internal', 'publish gave no result');
  return result.value;
}

/**
 * Publishes several events in one statement (one commit): each request gets its own
 * outcome, so a bad payload or an id conflict fails that request only. The HTTP
 * ingest batches concurrent requests through this (see ingest-batcher.ts).
 */
export async function publishEvents(
  ctx: Ctx,
  inputs: readonly (PublishInput & { origin?: EventOrigin })[],
  source: EventSource,
): Promise<PromiseSettledResult<PublishResult>[]> {
  const results = new Array<PromiseSettledResult<PublishResult>>(inputs.length);
  const prepared: { index: number; event: PreparedEvent }[] = [];
  const normalised = await normaliseSeedForms(
    ctx.erp,
    inputs.map((i) => ({ type: i.event, data: i.data })),
  );
  inputs.forEach((input, index) => {
    try {
      const n = normalised[index] as SeedFormResult;
      if (n.problem !== undefined) throw new KgcError('invalid_event', n.problem);
      prepared.push({
        index,
        event: preparePublish(ctx, { ...input, data: n.data as PublishInput['data'] }),
      });
    } catch (reason) {
      results[index] = { status: 'rejected', reason };
    }
  });
  if (prepared.length === 0) return results;
  const now = ctx.clock.now();
  const toStore = await markErased(
    ctx.db,
    await receiptKey(ctx),
    prepared.map((p) => p.event),
  );
  const inserted = new Map(
    (
      await insertEvents(
        ctx.db,
        toStore,
        source,
        new Date(now),
        ctx.cache?.peerNotice(prepared.map((p) => p.event)),
      )
    ).map((r) => [r.id, r]),
  );
  // Stored: the read cache drops what these events make stale before anyone is answered.
  await ctx.cache?.invalidate(prepared.map((p) => p.event));
  for (const { index, event } of prepared) {
    const row = inserted.get(event.id);
    if (row) {
      inserted.delete(event.id); // a second request with the same id in this batch is its replay
      results[index] = {
        status: 'fulfilled',
        value: { event: toEventInfo(row, now), replayed: false },
      };
      continue;
    }
    try {
      results[index] = { status: 'fulfilled', value: await replayOrConflict(ctx, event) };
    } catch (reason) {
      results[index] = { status: 'rejected', reason };
    }
  }
  return results;
}

export async function getEvent(ctx: Pick<Ctx, 'db' | 'clock'>, id: string): Promise<EventInfo> {
  const { rows } = await ctx.db.query<EventRow>(sql.BY_ID, [id]);
  if (!rows[0]) throw new KgcError('event_not_found', `no event with id ${id}`);
  return toEventInfo(rows[0], ctx.clock.now());
}

interface AttemptRow extends Omit<AttemptInfo, 'at'> {
  at: Date;
}

/** The event with its payload and every delivery attempt. */
export async function getEventDetail(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  id: string,
): Promise<EventDetail> {
  const event = await getEvent(ctx, id);
  const [data, attempts] = await Promise.all([
    ctx.db.query<{ data: unknown }>(sql.DATA_BY_ID, [id]),
    ctx.db.query<AttemptRow>(sql.ATTEMPTS, [id]),
  ]);
  return {
    event,
    data: data.rows[0]?.data ?? null,
    history: attempts.rows.map((a) => ({ ...a, at: a.at.toISOString() })),
  };
}

export async function eventStats(ctx: Pick<Ctx, 'db' | 'clock'>): Promise<EventStats> {
  const now = ctx.clock.now();
  const { rows } = await ctx.db.query<{
    pending: number;
    in_flight: number;
    dead: number;
    rejected: number;
    oldest_pending_at: Date | null;
  }>(sql.STATS, [new Date(now)]);
  const r = rows[0] ?? { pending: 0, in_flight: 0, dead: 0, rejected: 0, oldest_pending_at: null };
  return {
    pending: r.pending,
    in_flight: r.in_flight,
    dead: r.dead,
    rejected: r.rejected,
    oldest_pending_at: r.oldest_pending_at ? r.oldest_pending_at.toISOString() : null,
    oldest_pending_age_s: r.oldest_pending_at
      ? Math.max(0, (now - r.oldest_pending_at.getTime()) / 1000)
      : null,
  };
}

export interface CustomerDeletedRecord {
  id: string;
  seq: number;
  source: string;
  status: string;
  data: { customer_id?: unknown; gdpr_reason?: unknown } | null;
}

/** customer.deleted events in publish order after `afterSeq`: the GDPR intake reads these. */
export async function customerDeletedEventsAfter(
  ctx: Pick<Ctx, 'db'>,
  afterSeq: number,
  limit = 100,
): Promise<CustomerDeletedRecord[]> {
  const { rows } = await ctx.db.query<CustomerDeletedRecord>(sql.CUSTOMER_DELETED_AFTER, [
    afterSeq,
    limit,
  ]);
  return rows;
}
