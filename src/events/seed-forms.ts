/**
 * The seed document's own payload shapes, accepted as documented alternatives and
 * rewritten into the closed event schema (catalogue.ts) before anything is stored:
 *
 * - 3.1 (the JavaScript example): `{order_id, customer_phone, items}`;
 * - 2.1 / 2.2 / 2.3 (the data-exchange JSON): `customer_phone`, `machine_name`,
 *   `machine_type`, `status`, `notification_sent`.
 *
 * `customer_phone` becomes `customer.phone` (E.164, by the Hungarian normaliser) and
 * `customer.id` when exactly one ERP customer has that phone; the caller looks the
 * phones up (seedFormPhones) and hands the answer in, so this stays pure. A field
 * that only restates the event (`late_days: 0` of a rental that just began) and ERP
 * bookkeeping (`notification_sent`) are dropped. `status` is not rewritten: it is the
 * ERP's own status of the rental or worklog (`diagnosztika` in the 2.2 quote-ready
 * example), kept as the ERP said it (catalogue.ts). Anything else is left for the
 * closed schema to refuse: data minimisation is unchanged.
 */
import { KgcError } from '../errors/kgc-error.js';
import { normalizePhone } from '../erp/phone.js';

type Data = Record<string, unknown>;

const HAS_CUSTOMER = new Set([
  'rental.started',
  'rental.ended',
  'service.quote_ready',
  'service.repair_done',
  'order.arrived',
]);

export type SeedFormResult =
  { data: unknown; problem?: undefined } | { data?: undefined; problem: string };

const isObject = (v: unknown): v is Data =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Data, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function phoneOf(type: string, data: Data): string | undefined {
  if (
    !HAS_CUSTOMER.has(type) ||
    !has(data, 'customer_phone') ||
    typeof data.customer_phone !== 'string'
  )
    return undefined;
  try {
    return normalizePhone(data.customer_phone);
  } catch {
    return undefined;
  }
}

/** The E.164 phones whose customer ids normaliseSeedForm wants; empty for the closed form. */
export function seedFormPhones(type: string, data: unknown): string[] {
  if (!isObject(data)) return [];
  const phone = phoneOf(type, data);
  return phone === undefined ? [] : [phone];
}

/**
 * The payload in the closed form, or why the seed form cannot be read. Data that
 * uses none of the seed's fields comes back as the same object, untouched.
 * `customerIdByPhone` holds the ERP's answer for seedFormPhones: a phone that is
 * absent (no customer, or several) gives a customer without an id.
 */
export function normaliseSeedForm(
  type: string,
  data: unknown,
  customerIdByPhone: ReadonlyMap<string, string>,
): SeedFormResult {
  if (!isObject(data)) return { data };
  const out: Data = { ...data };
  let changed = false;
  const take = (field: string): unknown => {
    const v = out[field];
    delete out[field];
    changed = true;
    return v;
  };

  if (HAS_CUSTOMER.has(type) && has(out, 'customer_phone')) {
    if (has(out, 'customer'))
      return { problem: `${type}: give data.customer or data.customer_phone, not both` };
    const raw = take('customer_phone');
    if (typeof raw !== 'string')
      return { problem: `${type}: data.customer_phone must be a phone number as text` };
    let phone: string;
    try {
      phone = normalizePhone(raw);
    } catch (err) {
      return {
        problem: `${type}: data.customer_phone: ${err instanceof KgcError ? err.message : 'is not a phone number'}`,
      };
    }
    const id = customerIdByPhone.get(phone);
    out.customer = id === undefined ? { phone } : { id, phone };
  }

  if ((type === 'rental.started' || type === 'rental.ended') && has(out, 'machine_name')) {
    if (has(out, 'machine'))
      return { problem: `${type}: give data.machine or data.machine_name, not both` };
    out.machine = { name: take('machine_name') };
  }
  if (
    (type === 'service.quote_ready' || type === 'service.repair_done') &&
    has(out, 'machine_type')
  ) {
    if (has(out, 'machine'))
      return { problem: `${type}: give data.machine or data.machine_type, not both` };
    out.machine = take('machine_type');
  }

  if (type === 'rental.started' && has(out, 'late_days')) {
    const late = take('late_days');
    if (late !== 0)
      return {
        problem: `${type}: data.late_days must be 0 for a rental that has just started (send rental.ended with late_days)`,
      };
  }
  if (type === 'order.arrived' && has(out, 'notification_sent')) {
    if (typeof take('notification_sent') !== 'boolean')
      return { problem: `${type}: data.notification_sent must be true or false` };
  }
  return { data: changed ? out : data };
}
