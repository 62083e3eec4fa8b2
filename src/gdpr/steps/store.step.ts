/**
 * Step 6: the daemon's own copies of the customer (own-copies.ts): events in every
 * status and their delivery attempts, the audit log's resource ids, booking replies,
 * the ERP's outbox rows, and the caches (the read cache's erasure hook in every layer,
 * the phone memo). Verified by a search of every text column of every kgc_support table
 * and of the outbox for the customer's id, phone forms, full name and e-mail.
 *
 * The erasure request itself is the one row that still names the customer until the
 * request completes (then only its keyed hash is kept); the search leaves it out.
 *
 * A customer.deleted event on its way to Support (this request's step 2, or another
 * one still pending) is left until it is delivered: the step erases the rest and waits;
 * the next run, after delivery, erases that event too.
 */
import { forgetPhones } from '../../erp/phone.js';
import {
  collectOwnCopies,
  eraseOutboxRows,
  eraseOwnCopies,
  patternFor,
  searchSchema,
  type EventHit,
  type Pattern,
} from '../own-copies.js';
import * as sql from '../gdpr.queries.js';
import type { Counts } from '../gdpr.schema.js';
import { permanent } from './failure.js';
import {
  plural,
  type ErasureStep,
  type StepContext,
  type StepPlan,
  type StepResult,
} from './step.js';

/** Tables whose copies this step erases; a trace anywhere else needs a person. */
const HANDLED = new Set(['events', 'delivery_attempts', 'audit_log', 'idempotency']);
/** Names the customer until the request completes, by design (see above). */
const OWN_RECORD = new Set(['gdpr_requests']);

const describe = (c: Counts): string =>
  Object.entries(c)
    .filter(([, n]) => n !== 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

async function pattern(sc: StepContext): Promise<{ p: Pattern; outbox: boolean }> {
  const outbox = await outboxExists(sc);
  const r = sc.request;
  const p = await patternFor(
    sc.ctx,
    { customerId: r.customerId, phone: r.lookupPhone, name: r.lookupName, email: r.lookupEmail },
    outbox,
  );
  return { p, outbox };
}

async function outboxExists(sc: StepContext): Promise<boolean> {
  const { rows } = await sc.ctx.erp.query<{ ok: boolean }>(
    `SELECT to_regclass('kgc_erp.support_outbox') IS NOT NULL AS ok`,
  );
  return rows[0]?.ok === true;
}

/** Rows per table naming the customer: every kgc_support table but the request's own, and the outbox. */
async function searchEverywhere(sc: StepContext, p: Pattern, outbox: boolean): Promise<Counts> {
  const found = await searchSchema(sc.ctx.db, 'kgc_support', p, OWN_RECORD);
  if (outbox)
    Object.assign(
      found,
      await searchSchema(sc.ctx.erp, 'kgc_erp', p, new Set(), new Set(['support_outbox'])),
    );
  return found;
}

/** Which events to leave for now: this request's customer.deleted until step 2 is final, and any still pending. */
async function keeper(sc: StepContext): Promise<(e: EventHit) => boolean> {
  const { rows } = await sc.ctx.db.query<{ state: string; ref: string | null }>(sql.WEBHOOK_STEP, [
    sc.request.id,
  ]);
  const step2 = rows[0];
  const own = new Set(
    [sc.request.triggerEventId, step2?.ref ?? null].filter((x): x is string => x !== null),
  );
  const step2Final = step2 !== undefined && (step2.state === 'done' || step2.state === 'skipped');
  return (e) =>
    (!step2Final && own.has(e.id)) || (e.type === 'customer.deleted' && e.status === 'pending');
}

/** The outbox needs DELETE for the daemon's ERP role (the drain needs it too: render grants it). */
function outboxFailure(err: unknown): never {
  if ((err as { code?: string }).code === '42501')
    throw permanent(
      "the ERP database role may not delete the customer's outbox rows: grant it DELETE on kgc_erp.support_outbox (kgc-support render writes the grant)",
    );
  throw err;
}

export const storeStep: ErasureStep = {
  name: 'store',
  position: 6,

  async plan(sc): Promise<StepPlan> {
    const { p, outbox } = await pattern(sc);
    const found = await searchEverywhere(sc, p, outbox);
    const items = Object.entries(found).map(([t, n]) => `${t}: ${plural(n, 'row')}`);
    if (items.length === 0)
      return {
        action: 'nothing',
        summary: "the daemon's own data holds nothing about this customer",
        counts: {},
        items: [],
      };
    return {
      action: 'erase',
      summary: `${sc.request.mode === 'delete' ? 'delete' : 'anonymise'} the daemon's copies: ${describe(found)}`,
      counts: found,
      items,
    };
  },

  async run(sc): Promise<StepResult> {
    const { ctx, request } = sc;
    const { p, outbox } = await pattern(sc);
    const keep = await keeper(sc);
    const { counts, kept } = await ctx.db.tx((q) =>
      eraseOwnCopies(q, p, request.mode, request.id, keep),
    );
    if (outbox)
      counts.outbox_rows = await eraseOutboxRows(ctx, p, request.mode, request.id).catch(
        outboxFailure,
      );
    // The caches: every layer of the read cache (the erasure hook), the phone memo of this process.
    counts.cache_entries = Math.max(0, (await ctx.cache?.forgetCustomer(request.customerId)) ?? 0);
    forgetPhones(p.needles.phones);
    const what = describe(counts) || 'nothing left (already gone)';
    if (kept > 0)
      return {
        kind: 'waiting',
        counts,
        detail: `${what}; ${plural(kept, 'customer.deleted event')} on its way to Support, erased once delivered`,
      };
    return { kind: 'done', counts, detail: what };
  },

  async verify(sc) {
    const { p, outbox } = await pattern(sc);
    const left = await searchEverywhere(sc, p, outbox);
    const unhandled = Object.keys(left).filter(
      (t) => !HANDLED.has(t.replace(/^kgc_support\./, '')) && t !== 'kgc_erp.support_outbox',
    );
    if (unhandled.length > 0)
      throw permanent(
        `the customer is named in ${unhandled.map((t) => `${t} (${plural(left[t] ?? 0, 'row')})`).join(', ')}, which the erasure does not change: edit those rows, then gdpr resume`,
      );
    return Object.keys(left).length === 0
      ? undefined
      : `still in the daemon's data: ${describe(left)}`;
  },

  async collect(sc) {
    const { p, outbox } = await pattern(sc);
    const data = await collectOwnCopies(sc.ctx, p, outbox);
    const n = Object.values(data).reduce((a, rows) => a + rows.length, 0);
    return n === 0
      ? {
          status: 'nothing',
          detail: "the daemon's own data holds nothing about this customer",
          data,
        }
      : {
          status: 'found',
          detail: `${Object.entries(data)
            .filter(([, rows]) => rows.length > 0)
            .map(([k, rows]) => `${k} ${rows.length}`)
            .join(', ')} (events in every status, with Support's answers)`,
          data,
        };
  },
};
