/** The erasure requests and their steps in the store: rows in, views out. */
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import * as sql from './gdpr.queries.js';
import {
  STEP_NAMES,
  type Counts,
  type EraseMode,
  type RequestState,
  type RequestView,
  type StepName,
  type StepState,
  type StepView,
} from './gdpr.schema.js';
import type { ErasureRequest } from './steps/step.js';

export interface RequestRow {
  id: string;
  customer_id: string | null;
  customer_hash: string;
  hash_key_id: string;
  reason: string;
  source: RequestView['source'];
  trigger_event_id: string | null;
  erase_mode: EraseMode;
  lookup_phone: string | null;
  phone_shared: boolean;
  lookup_name: string | null;
  lookup_email: string | null;
  state: RequestState;
  requested_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  runs: number;
  owner: string | null;
  lease_until: Date | null;
  next_attempt_at: Date | null;
}

export interface StepRow {
  request_id: string;
  step: StepName;
  position: number;
  state: StepState;
  runs: number;
  attempts: number;
  counts: Counts;
  detail: string | null;
  ref: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}

export const REQUEST_ID_RE = /^gdpr_[0-9a-f]{20}$/;
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
export const isFinal = (s: StepState): boolean => s === 'done' || s === 'skipped';

export interface NewRequest {
  customerId: string;
  customerHash: string;
  hashKeyId: string;
  reason: string;
  source: RequestView['source'];
  triggerEventId: string | null;
  mode: EraseMode;
  lookupPhone: string | null;
  phoneShared: boolean;
  lookupName: string | null;
  lookupEmail: string | null;
}

/** Writes the request and its pending steps in one transaction; undefined when its trigger event already has one. */
export async function insertRequest(
  ctx: Pick<Ctx, 'db' | 'clock' | 'random' | 'actor'>,
  r: NewRequest,
): Promise<string | undefined> {
  const id = `gdpr_${ctx.random.bytes(10).toString('hex')}`;
  return ctx.db.tx(async (q) => {
    const { rows } = await q.query<{ id: string }>(sql.INSERT_REQUEST, [
      id,
      r.customerId,
      r.customerHash,
      r.hashKeyId,
      r.reason,
      r.source,
      r.triggerEventId,
      r.mode,
      r.lookupPhone,
      r.phoneShared,
      ctx.actor,
      new Date(ctx.clock.now()),
      r.lookupName,
      r.lookupEmail,
    ]);
    if (!rows[0]) return undefined;
    const refs = STEP_NAMES.map((s) => (s === 'webhook' ? r.triggerEventId : null));
    await q.query(sql.INSERT_STEPS, [id, [...STEP_NAMES], STEP_NAMES.map((_, i) => i + 1), refs]);
    return id;
  });
}

export async function requestRow(ctx: Pick<Ctx, 'db'>, id: string): Promise<RequestRow> {
  if (!REQUEST_ID_RE.test(id))
    throw new KgcError(
      'gdpr_request_not_found',
      `"${id.slice(0, 60)}" is not an erasure request id (gdpr_ followed by 20 hex digits)`,
    );
  const { rows } = await ctx.db.query<RequestRow>(sql.REQUEST_BY_ID, [id]);
  if (!rows[0]) throw new KgcError('gdpr_request_not_found', `no erasure request ${id}`);
  return rows[0];
}

export async function stepRows(ctx: Pick<Ctx, 'db'>, ids: readonly string[]): Promise<StepRow[]> {
  if (ids.length === 0) return [];
  return (await ctx.db.query<StepRow>(sql.STEPS_OF, [ids])).rows;
}

function stepView(s: StepRow): StepView {
  return {
    step: s.step,
    position: s.position,
    state: s.state,
    verified: isFinal(s.state),
    runs: s.runs,
    attempts: s.attempts,
    counts: s.counts,
    detail: s.detail,
    ref: s.ref,
    started_at: iso(s.started_at),
    finished_at: iso(s.finished_at),
  };
}

export function toView(r: RequestRow, steps: readonly StepRow[]): RequestView {
  return {
    request_id: r.id,
    state: r.state,
    reason: r.reason,
    source: r.source,
    erase_mode: r.erase_mode,
    customer_id: r.customer_id,
    customer_hash: r.customer_hash,
    trigger_event_id: r.trigger_event_id,
    requested_by: r.requested_by,
    received_at: r.created_at.toISOString(),
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
    next_attempt_at: iso(r.next_attempt_at),
    runs: r.runs,
    steps: steps.filter((s) => s.request_id === r.id).map(stepView),
  };
}

export async function requestView(ctx: Pick<Ctx, 'db'>, id: string): Promise<RequestView> {
  const row = await requestRow(ctx, id);
  return toView(row, await stepRows(ctx, [id]));
}

/** The request as its steps see it; only while it still knows the customer (not completed). */
export function toErasureRequest(r: RequestRow): ErasureRequest {
  if (r.customer_id === null)
    throw new KgcError('internal', `erasure request ${r.id} no longer knows its customer`);
  return {
    id: r.id,
    customerId: r.customer_id,
    reason: r.reason,
    mode: r.erase_mode,
    lookupPhone: r.lookup_phone,
    phoneShared: r.phone_shared,
    lookupName: r.lookup_name,
    lookupEmail: r.lookup_email,
    triggerEventId: r.trigger_event_id,
  };
}
