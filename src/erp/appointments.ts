/**
 * Booking a service appointment (seed 2.2): the only write of the Pull API.
 * Double booking is impossible by construction (a partial unique index on
 * location and slot). Idempotency-Key: the first outcome (booked, or slot taken)
 * is replayed to every retry of the same request; the same key on a different
 * request is refused. A retry that races its original finds the original's row
 * through its idempotency_ref, so it works even when the ERP is another database.
 */
import { createHash } from 'node:crypto';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import { unstorableField } from '../formats/storable-text.js';
import * as sql from './erp.queries.js';
import type { Appointment, AppointmentRequest } from './erp.schema.js';
import { isoSeconds, localParts } from './local-time.js';
import { normalizePhone } from './phone.js';
import { validateSlot, type LocationHours } from './slots.js';

export interface BookingOptions {
  keyId: string;
  idempotencyKey?: string | undefined;
}

export interface BookingResult {
  appointment: Appointment;
  /** True when this is the stored outcome of an earlier identical request. */
  replayed: boolean;
}

interface AppointmentRow {
  id: string;
  location_id: string;
  slot_start: Date;
  slot_minutes: number;
  customer_id: string | null;
  status: string;
  idempotency_ref: string | null;
}

const IDEM_KEY_RE = /^[\x21-\x7e]{1,255}$/;

const SELECT_IDEM = `SELECT request_hash, status, response FROM kgc_support.idempotency WHERE key_id = $1 AND idem_key = $2`;
const INSERT_IDEM = `
  INSERT INTO kgc_support.idempotency (key_id, idem_key, route, request_hash, status, response, created_at)
  VALUES ($1, $2, 'POST /api/service/appointments', $3, $4, $5, $6) ON CONFLICT DO NOTHING`;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(req: AppointmentRequest): string {
  return createHash('sha256').update(canonical(req)).digest('hex');
}

const STATUSES: readonly Appointment['status'][] = ['booked', 'cancelled', 'done'];

function toAppointment(r: AppointmentRow): Appointment {
  return {
    appointment_id: r.id,
    location_id: r.location_id,
    slot_start: isoSeconds(r.slot_start),
    slot_end: isoSeconds(new Date(r.slot_start.getTime() + r.slot_minutes * 60_000)),
    status: STATUSES.find((s) => s === r.status) ?? 'booked',
    customer_id: r.customer_id,
  };
}

/** One appointment as POST answered it (the target of its Location header), with its status now. */
export async function getAppointment(ctx: Pick<Ctx, 'erp'>, id: string): Promise<Appointment> {
  const { rows } = await ctx.erp.query<AppointmentRow>(sql.APPOINTMENT_BY_ID, [id]);
  if (!rows[0]) throw new KgcError('appointment_not_found', `no appointment ${id}`);
  return toAppointment(rows[0]);
}

async function resolveCustomer(
  ctx: Pick<Ctx, 'erp'>,
  req: AppointmentRequest,
): Promise<{ id: string | null; name: string | null; phone: string | null }> {
  if (req.customer_id) {
    const { rows } = await ctx.erp.query<{ id: string; name: string; phone: string | null }>(
      sql.CUSTOMER_BY_ID,
      [req.customer_id],
    );
    if (!rows[0]) throw new KgcError('customer_not_found', `no customer ${req.customer_id}`);
    return { id: rows[0].id, name: rows[0].name, phone: rows[0].phone };
  }
  if (!req.customer_phone)
    throw new KgcError(
      'bad_request',
      'give customer_id, or customer_phone (with customer_name for a new customer)',
    );
  const phone = normalizePhone(req.customer_phone);
  const { rows } = await ctx.erp.query<{ id: string }>(sql.CUSTOMERS_BY_PHONE, [phone]);
  // One customer on that number: link the booking. None or several: keep the phone and the name given.
  return {
    id: rows.length === 1 ? (rows[0] as { id: string }).id : null,
    name: req.customer_name ?? null,
    phone,
  };
}

export async function bookAppointment(
  ctx: Pick<Ctx, 'erp' | 'db' | 'clock' | 'config'>,
  req: AppointmentRequest,
  opts: BookingOptions,
): Promise<BookingResult> {
  const idem = opts.idempotencyKey;
  if (idem !== undefined && !IDEM_KEY_RE.test(idem)) {
    throw new KgcError(
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 printable ASCII characters',
    );
  }
  // A NUL in any field would fail the INSERT with a 500: refused here, naming the field.
  const unstorable = unstorableField(req, 'body');
  if (unstorable) throw new KgcError('bad_request', unstorable);
  const hash = requestHash(req);
  if (idem !== undefined) {
    const { rows } = await ctx.db.query<{
      request_hash: string;
      status: number;
      response: Appointment | { detail?: string };
    }>(SELECT_IDEM, [opts.keyId, idem]);
    const prior = rows[0];
    if (prior) {
      if (prior.request_hash !== hash)
        throw new KgcError(
          'idempotency_key_reused',
          'this Idempotency-Key was used for a different request',
        );
      if (prior.status === 201)
        return { appointment: prior.response as Appointment, replayed: true };
      throw new KgcError('slot_taken', (prior.response as { detail?: string }).detail, {
        headers: { 'idempotent-replayed': 'true' },
      });
    }
  }

  const now = ctx.clock.now();
  const locRes = await ctx.erp.query<LocationHours>(sql.LOCATION, [req.location_id]);
  const loc = locRes.rows[0];
  if (!loc) throw new KgcError('location_not_found', `no location ${req.location_id}`);
  const { start } = validateSlot(req.slot_start, loc, now, ctx.config.timezone);
  const customer = await resolveCustomer(ctx, req);
  if (req.worklog_id) {
    const w = await ctx.erp.query<{ customer_id: string }>(sql.WORKLOG_OWNER, [req.worklog_id]);
    if (!w.rows[0]) throw new KgcError('worklog_not_found', `no worklog ${req.worklog_id}`);
    if (customer.id && w.rows[0].customer_id !== customer.id)
      throw new KgcError('bad_request', `worklog ${req.worklog_id} belongs to another customer`);
  }

  const ref = idem === undefined ? null : `${opts.keyId}:${idem}`;
  const year = localParts(now, ctx.config.timezone).date.slice(0, 4);
  const inserted = await ctx.erp.query<AppointmentRow>(sql.BOOK_APPOINTMENT, [
    loc.id,
    start,
    loc.slot_minutes,
    customer.id,
    customer.name,
    customer.phone,
    req.worklog_id ?? null,
    req.machine ?? null,
    req.note ?? null,
    ref,
    year,
    new Date(now),
  ]);

  let result: BookingResult | undefined;
  let failure: KgcError | undefined;
  if (inserted.rows[0]) {
    result = { appointment: toAppointment(inserted.rows[0]), replayed: false };
  } else {
    const mine = ref
      ? (await ctx.erp.query<AppointmentRow>(sql.APPOINTMENT_BY_REF, [ref])).rows[0]
      : undefined;
    if (mine) {
      if (mine.location_id !== loc.id || mine.slot_start.getTime() !== start.getTime()) {
        throw new KgcError(
          'idempotency_key_reused',
          'this Idempotency-Key was used for a different request',
        );
      }
      result = { appointment: toAppointment(mine), replayed: true };
    } else {
      failure = new KgcError(
        'slot_taken',
        `the ${isoSeconds(start)} slot at ${loc.id} is already booked`,
      );
    }
  }
  if (ref !== null && idem !== undefined) {
    const status = result ? 201 : 409;
    const response = result ? result.appointment : { detail: failure?.message };
    await ctx.db.query(INSERT_IDEM, [
      opts.keyId,
      idem,
      hash,
      status,
      JSON.stringify(response),
      new Date(now),
    ]);
  }
  if (failure) throw failure;
  return result as BookingResult;
}
