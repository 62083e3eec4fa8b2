/**
 * The GDPR erasure cascade (DESIGN.md 9, seed 5.2 and 8.2): ask for an erasure,
 * see what it would do, resume one, show its status and its receipt, and start one
 * from the ERP's own customer.deleted event. The request is recorded before anything
 * is deleted; cascade.ts runs the steps.
 */
import { recordAdminAction } from '../audit/audit.service.js';
import type { Ctx } from '../context/context.js';
import { runErasure, STEPS } from './cascade.js';
import { validateCustomerId, validateReason } from '../formats/customer-id.js';
import type { ErasureDeps } from './deps.js';
import * as sql from './gdpr.queries.js';
import type { Plan, Receipt, RequestView, StatusInput } from './gdpr.schema.js';
import { customerHash, receiptKey } from '../privacy/customer-hash.js';
import { toReceipt } from './receipt.js';
import {
  insertRequest,
  requestRow,
  requestView,
  stepRows,
  toView,
  type RequestRow,
} from './requests.js';
import { type ErasureRequest, type StepContext } from './steps/step.js';
import { StepFailure } from './steps/failure.js';

interface Snapshot {
  phone: string | null;
  shared: boolean;
  name: string | null;
  email: string | null;
}

/** What the customer is looked up by (steps 4 and 6), read before step 1 can erase it. */
async function snapshot(ctx: Ctx, customerId: string): Promise<Snapshot> {
  const { rows } = await ctx.erp.query<{
    phone: string | null;
    name: string | null;
    email: string | null;
    shared: boolean;
    name_shared: boolean;
    email_shared: boolean;
  }>(sql.CUSTOMER_SNAPSHOT, [customerId]);
  const r = rows[0];
  if (!r) return { phone: null, shared: false, name: null, email: null };
  return {
    phone: r.phone === null || r.shared ? null : r.phone,
    shared: r.phone !== null && r.shared,
    name: r.name_shared ? null : r.name,
    email: r.email_shared ? null : r.email,
  };
}

interface Recorded {
  requestId: string;
  created: boolean;
}

async function record(
  ctx: Ctx,
  o: {
    customerId: string;
    reason: string;
    source: RequestView['source'];
    triggerEventId: string | null;
  },
): Promise<Recorded> {
  const { phone, shared, name, email } = await snapshot(ctx, o.customerId);
  const key = await receiptKey(ctx);
  const id = await insertRequest(ctx, {
    customerId: o.customerId,
    customerHash: customerHash(key, o.customerId),
    hashKeyId: key.id,
    reason: o.reason,
    source: o.source,
    triggerEventId: o.triggerEventId,
    mode: ctx.config.gdprEraseMode,
    lookupPhone: phone,
    phoneShared: shared,
    lookupName: name,
    lookupEmail: email,
  });
  if (id === undefined) {
    // Taken: by the trigger event's unique id, or (API requests) by the customer's one API request.
    const { rows } =
      o.triggerEventId === null
        ? await ctx.db.query<{ id: string }>(sql.LATEST_REQUEST_BY_HASH, [
            customerHash(key, o.customerId),
          ])
        : await ctx.db.query<{ id: string }>(sql.REQUEST_BY_TRIGGER, [o.triggerEventId]);
    return { requestId: (rows[0] as { id: string }).id, created: false };
  }
  await recordAdminAction(ctx, {
    action: 'gdpr.request.received',
    resourceId: id,
    status: 201,
    latencyMs: 0,
  });
  ctx.logger.info(
    { request: id, source: o.source, mode: ctx.config.gdprEraseMode },
    'erasure request recorded',
  );
  return { requestId: id, created: true };
}

/**
 * `gdpr delete`: validates the id before it is used anywhere, records the request,
 * then runs the cascade. A refused id records nothing and touches nothing.
 */
export async function requestErasure(
  ctx: Ctx,
  deps: ErasureDeps,
  input: { customer_id: string; reason: string },
): Promise<RequestView> {
  const customerId = validateCustomerId(input.customer_id);
  const reason = validateReason(input.reason);
  const source = ctx.actor.startsWith('cli:') ? 'cli' : 'admin';
  const { requestId } = await record(ctx, { customerId, reason, source, triggerEventId: null });
  return runErasure(ctx, deps, requestId);
}

/** A request that is never recorded, for the steps' reading sides (a dry run, an access request). */
export async function readOnlyRequest(
  ctx: Ctx,
  customerId: string,
  id: string,
): Promise<ErasureRequest> {
  const { phone, shared, name, email } = await snapshot(ctx, customerId);
  return {
    id,
    customerId,
    reason: id.replace(/-/g, '_'),
    mode: ctx.config.gdprEraseMode,
    lookupPhone: phone,
    phoneShared: shared,
    lookupName: name,
    lookupEmail: email,
    triggerEventId: null,
  };
}

/** `gdpr delete --dry-run`: what each step would erase. Reads only; records nothing. */
export async function planErasure(
  ctx: Ctx,
  deps: ErasureDeps,
  input: { customer_id: string },
): Promise<Plan> {
  const customerId = validateCustomerId(input.customer_id);
  const request = await readOnlyRequest(ctx, customerId, 'dry-run');
  const sc: StepContext = { ctx, deps, request, ref: null, setRef: async (r) => r };
  const steps: Plan['steps'] = [];
  for (const step of STEPS) {
    try {
      steps.push({ step: step.name, position: step.position, ...(await step.plan(sc)) });
    } catch (err) {
      const why =
        err instanceof StepFailure
          ? err.message
          : `cannot tell (${(err as { code?: string }).code ?? (err as Error).name})`;
      steps.push({
        step: step.name,
        position: step.position,
        action: 'unknown',
        summary: why,
        counts: {},
        items: [],
      });
    }
  }
  return { dry_run: true, customer_id: customerId, erase_mode: ctx.config.gdprEraseMode, steps };
}

/** `gdpr resume`: runs the unfinished steps again; a completed request is left as it is. */
export async function resumeErasure(
  ctx: Ctx,
  deps: ErasureDeps,
  requestId: string,
): Promise<RequestView> {
  await requestRow(ctx, requestId); // not found → a clear error before anything else
  return runErasure(ctx, deps, requestId);
}

export async function erasureStatus(ctx: Ctx, input: StatusInput): Promise<RequestView[]> {
  if (input.request_id !== undefined) return [await requestView(ctx, input.request_id)];
  const hash =
    input.customer_id === undefined
      ? null
      : customerHash(await receiptKey(ctx), validateCustomerId(input.customer_id));
  const { rows } = await ctx.db.query<RequestRow>(sql.LIST_REQUESTS, [
    hash,
    input.state ?? null,
    input.limit ?? 50,
  ]);
  const steps = await stepRows(
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toView(r, steps));
}

export async function erasureReceipt(ctx: Ctx, requestId: string): Promise<Receipt> {
  const row = await requestRow(ctx, requestId);
  return toReceipt(toView(row, await stepRows(ctx, [requestId])), row.hash_key_id);
}

export interface ApiErasure extends EventErasure {
  /** The request as recorded (or as it stands, when one already existed). */
  readonly view: RequestView;
}

/**
 * DELETE /api/customers/{id} (seed 2.4, 5.2): the ERP asks for an erasure. Validates
 * the id as the CLI does, then returns the customer's existing request if there is
 * one (open, failed or completed: asking again starts nothing), else records one and
 * starts the cascade in the background; the ERP follows it at its status URL.
 */
export async function requestErasureFromApi(
  ctx: Ctx,
  deps: ErasureDeps,
  input: { customer_id: string; reason: string },
): Promise<ApiErasure> {
  const customerId = validateCustomerId(input.customer_id);
  const reason = validateReason(input.reason);
  const { rows } = await ctx.db.query<{ id: string }>(sql.LATEST_REQUEST_BY_HASH, [
    customerHash(await receiptKey(ctx), customerId),
  ]);
  const existing = rows[0];
  if (existing)
    return {
      requestId: existing.id,
      created: false,
      done: undefined,
      view: await requestView(ctx, existing.id),
    };
  const recorded = await record(ctx, { customerId, reason, source: 'api', triggerEventId: null });
  const view = await requestView(ctx, recorded.requestId);
  if (!recorded.created) return { ...recorded, done: undefined, view };
  const done = runErasure(ctx, deps, recorded.requestId);
  done.catch((err) =>
    ctx.logger.warn(
      { request: recorded.requestId, err: (err as Error).message },
      'erasure run failed; the daemon retries it',
    ),
  );
  return { ...recorded, done, view };
}

export interface EventErasure extends Recorded {
  /** Settles when the cascade's run ends (undefined when nothing was started). */
  readonly done: Promise<RequestView> | undefined;
}

/**
 * For the daemon's event intake, when the ERP publishes customer.deleted: records
 * (once per event id) and starts the cascade in the background, adopting the event
 * for step 2 instead of publishing another. The cascade's own customer.deleted
 * (published by step 2 of a request) is recognised and starts nothing.
 * Throws invalid_customer_id / invalid_reason for a hostile payload, before anything.
 */
export async function startErasureFromEvent(
  ctx: Ctx,
  deps: ErasureDeps,
  e: { eventId: string; customerId: string; reason: string },
): Promise<EventErasure> {
  const customerId = validateCustomerId(e.customerId);
  const reason = validateReason(e.reason);
  const own = await ctx.db.query<{ id: string }>(sql.REQUEST_BY_WEBHOOK_REF, [e.eventId]);
  if (own.rows[0]) return { requestId: own.rows[0].id, created: false, done: undefined };
  const recorded = await record(ctx, {
    customerId,
    reason,
    source: 'event',
    triggerEventId: e.eventId,
  });
  if (!recorded.created) return { ...recorded, done: undefined };
  const done = runErasure(ctx, deps, recorded.requestId);
  done.catch((err) =>
    ctx.logger.warn(
      { request: recorded.requestId, err: (err as Error).message },
      'erasure run failed; the daemon retries it',
    ),
  );
  return { ...recorded, done };
}
