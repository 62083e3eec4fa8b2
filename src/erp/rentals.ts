import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import * as sql from './erp.queries.js';
import type { RentalStatus } from './erp.schema.js';
import { daysBetween, localParts } from './local-time.js';

interface RentalRow {
  id: string;
  customer_id: string;
  customer_phone: string | null;
  machine_name: string;
  rental_start: string;
  rental_end: string;
  returned_on: string | null;
  status: RentalStatus['status'];
}

/** Days past the agreed end: until the return, or until today while it is out. */
export function lateDays(
  row: Pick<RentalRow, 'rental_end' | 'returned_on' | 'status'>,
  today: string,
): number {
  if (row.status === 'cancelled') return 0;
  const until = row.returned_on ?? today;
  return Math.max(0, daysBetween(row.rental_end, until));
}

/** The status and the customer it belongs to (the read cache files it under them). */
export async function rentalStatusOwned(
  ctx: Pick<Ctx, 'erp' | 'clock' | 'config'>,
  rentalId: string,
): Promise<{ value: RentalStatus; owner: { customer: string } }> {
  const { rows } = await ctx.erp.query<RentalRow>(sql.RENTAL_STATUS, [rentalId]);
  const r = rows[0];
  if (!r) throw new KgcError('rental_not_found', `no rental ${rentalId}`);
  const today = localParts(ctx.clock.now(), ctx.config.timezone).date;
  const value: RentalStatus = {
    rental_id: r.id,
    customer_phone: r.customer_phone,
    machine_name: r.machine_name,
    rental_start: r.rental_start,
    rental_end: r.rental_end,
    status: r.status,
    late_days: lateDays(r, today),
  };
  return { value, owner: { customer: r.customer_id } };
}
