/**
 * Step 1: the ERP's record of the customer (ctx.erp, schema kgc_erp).
 * - delete: the customer row and every row that is theirs (rentals, worklogs,
 *   orders with their items, appointments), in one transaction.
 * - anonymise: the row stays under its id (invoices keep their legal retention), its
 *   person goes: name becomes "[erased]", phone, e-mail and ID card number are
 *   cleared (a private person's tax number and company too); their appointments
 *   lose the copied name, phone and note. Rentals, worklogs and orders stay, linked
 *   to the anonymous id.
 * In both modes, appointments booked by phone without a customer link that carry
 * this customer's (unshared) phone lose their copies of name, phone and note, and
 * the booking replies kept for Idempotency-Key replays that name the customer go.
 * "Already gone" is done: an ERP that erased the customer itself leaves counts of 0.
 */
import { forgetCustomer } from '../../cache/erasure.js';
import type { Queryable } from '../../context/db.js';
import type { Counts } from '../gdpr.schema.js';
import * as sql from '../gdpr.queries.js';
import {
  plural,
  type ErasureStep,
  type StepContext,
  type StepPlan,
  type StepResult,
} from './step.js';
import { permanent } from './failure.js';

export const ERASED_NAME = '[erased]';

interface Traces {
  customers: number;
  customers_identifiable: number;
  rentals: number;
  worklogs: number;
  orders: number;
  order_items: number;
  appointments: number;
  appointments_identifiable: number;
  unlinked_appointments: number;
}

/** The phone that unlinked appointment copies may carry; never a phone another customer shares. */
const copyPhone = (sc: StepContext): string | null =>
  sc.request.phoneShared ? null : sc.request.lookupPhone;

async function traces(q: Queryable, sc: StepContext): Promise<Traces> {
  const { rows } = await q.query<Traces>(sql.ERP_TRACES, [
    sc.request.customerId,
    copyPhone(sc),
    ERASED_NAME,
  ]);
  return rows[0] as Traces;
}

async function bookingReplies(sc: StepContext): Promise<number> {
  const { rows } = await sc.ctx.db.query<{ n: number }>(sql.COUNT_BOOKING_REPLIES, [
    sc.request.customerId,
  ]);
  return rows[0]?.n ?? 0;
}

/** What would still identify the person, for the plan and the verification. */
function remaining(t: Traces, replies: number, mode: 'delete' | 'anonymise'): Counts {
  const left: Counts =
    mode === 'delete'
      ? {
          customers: t.customers,
          rentals: t.rentals,
          worklogs: t.worklogs,
          orders: t.orders,
          order_items: t.order_items,
          appointments: t.appointments,
        }
      : { customers: t.customers_identifiable, appointments: t.appointments_identifiable };
  left.unlinked_appointments = t.unlinked_appointments;
  left.booking_replies = replies;
  return Object.fromEntries(Object.entries(left).filter(([, n]) => n > 0));
}

const describe = (c: Counts): string =>
  Object.entries(c)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

async function deleteAll(q: Queryable, sc: StepContext): Promise<Counts> {
  const id = sc.request.customerId;
  const counts: Counts = {};
  // Children first: counts are exact, and no ON DELETE rule of the ERP is relied upon.
  counts.appointments = (await q.query(sql.DELETE_APPOINTMENTS, [id])).rowCount;
  counts.order_items = (await q.query(sql.DELETE_ORDER_ITEMS, [id])).rowCount;
  counts.orders = (await q.query(sql.DELETE_ORDERS, [id])).rowCount;
  counts.worklogs = (await q.query(sql.DELETE_WORKLOGS, [id])).rowCount;
  counts.rentals = (await q.query(sql.DELETE_RENTALS, [id])).rowCount;
  counts.customers = (await q.query(sql.DELETE_CUSTOMER, [id])).rowCount;
  return counts;
}

async function anonymise(q: Queryable, sc: StepContext): Promise<Counts> {
  const id = sc.request.customerId;
  return {
    customers_anonymised: (await q.query(sql.ANONYMISE_CUSTOMER, [id, ERASED_NAME])).rowCount,
    appointments_anonymised: (await q.query(sql.ANONYMISE_APPOINTMENTS, [id])).rowCount,
  };
}

export const erpStep: ErasureStep = {
  name: 'erp',
  position: 1,

  async plan(sc): Promise<StepPlan> {
    const left = remaining(await traces(sc.ctx.erp, sc), await bookingReplies(sc), sc.request.mode);
    const verb = sc.request.mode === 'delete' ? 'delete' : 'anonymise';
    if (Object.keys(left).length === 0)
      return {
        action: 'nothing',
        summary: 'the ERP holds nothing that identifies this customer',
        counts: {},
        items: [],
      };
    return { action: 'erase', summary: `${verb}: ${describe(left)}`, counts: left, items: [] };
  },

  async run(sc): Promise<StepResult> {
    const phone = copyPhone(sc);
    let counts: Counts;
    try {
      counts = await sc.ctx.erp.tx(async (q) => {
        const c = sc.request.mode === 'delete' ? await deleteAll(q, sc) : await anonymise(q, sc);
        if (phone !== null)
          c.unlinked_appointments_anonymised = (
            await q.query(sql.ANONYMISE_UNLINKED_APPOINTMENTS, [phone])
          ).rowCount;
        return c;
      });
    } catch (err) {
      // A foreign key of the ERP (invoices, …) may forbid the delete: a person must decide (or use anonymise).
      const code = (err as { code?: string }).code;
      if (code === '23503')
        throw permanent(
          'the ERP refused the delete: another table still references the customer (set KGC_GDPR_ERASE_MODE=anonymise to keep such rows)',
        );
      if (code === '42501')
        throw permanent(
          'the ERP database role may not delete or update these rows: grant it DELETE/UPDATE on kgc_erp for erasures',
        );
      throw err;
    }
    counts.booking_replies = (
      await sc.ctx.db.query(sql.DELETE_BOOKING_REPLIES, [sc.request.customerId])
    ).rowCount;
    // The Pull API's answers about the customer, held in daemons' memory, go now too.
    await forgetCustomer(sc.ctx, sc.request.customerId);
    const nonZero = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
    const total = Object.values(nonZero).reduce((a, b) => a + b, 0);
    const detail =
      total === 0
        ? 'nothing left in the ERP (already gone)'
        : `${sc.request.mode === 'delete' ? 'deleted' : 'anonymised'} ${plural(total, 'row')}: ${describe(nonZero)}`;
    return { kind: 'done', counts, detail };
  },

  async verify(sc) {
    const left = remaining(await traces(sc.ctx.erp, sc), await bookingReplies(sc), sc.request.mode);
    return Object.keys(left).length === 0 ? undefined : `still in the ERP: ${describe(left)}`;
  },

  async collect(sc) {
    const { rows } = await sc.ctx.erp.query<{ tbl: string; row: unknown }>(sql.ERP_EXPORT, [
      sc.request.customerId,
      copyPhone(sc),
    ]);
    const data: Record<string, unknown[]> = {};
    for (const r of rows) (data[r.tbl] ??= []).push(r.row);
    const replies = await bookingReplies(sc);
    return rows.length === 0
      ? { status: 'nothing', detail: 'the ERP holds no row about this customer', data: {} }
      : {
          status: 'found',
          detail: `${plural(rows.length, 'row')} of the ERP contract${replies ? ' (booking replies: see store)' : ''}`,
          data,
        };
  },
};
