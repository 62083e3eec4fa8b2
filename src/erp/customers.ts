import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import type { Queryable } from '../context/db.js';
import * as sql from './erp.queries.js';
import type { CustomerSummary, Duplicates, DuplicatesQuery } from './erp.schema.js';
import { normalizeOptionalPhone, normalizePhone } from './phone.js';

interface CustomerRow {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  company: string | null;
  is_business: boolean;
  payment_status: CustomerSummary['payment_status'];
  active_rentals: number;
  pending_repairs: number;
}

/**
 * The customer behind a phone number (seed 2.4). Several customers on one number
 * is answered 409 with their ids: the chatbot must never greet the wrong person.
 */
export async function customerByPhone(
  ctx: Pick<Ctx, 'erp'>,
  phoneInput: string,
): Promise<CustomerSummary> {
  const phone = normalizePhone(phoneInput);
  const { rows } = await ctx.erp.query<CustomerRow>(sql.CUSTOMERS_BY_PHONE, [phone]);
  if (rows.length === 0)
    throw new KgcError('customer_not_found', `no customer with phone ${phone}`);
  if (rows.length > 1) {
    throw new KgcError('phone_ambiguous', `${rows.length} customers share phone ${phone}`, {
      extras: { customer_ids: rows.map((r) => r.id) },
    });
  }
  const c = rows[0] as CustomerRow;
  return {
    customer_id: c.id,
    name: c.name,
    phone: c.phone,
    email: c.email,
    company: c.company,
    is_business: c.is_business,
    active_rentals: c.active_rentals,
    pending_repairs: c.pending_repairs,
    payment_status: c.payment_status,
  };
}

/**
 * The one customer id behind each of these E.164 phones, for events sent in the
 * seed's form (`customer_phone`). A phone with no customer, or shared by several,
 * is left out: an event is never pinned on a guess.
 */
export async function customerIdsByPhones(
  erp: Queryable,
  phones: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (phones.length === 0) return found;
  const { rows } = await erp.query<{ phone: string; ids: string[] }>(sql.CUSTOMER_IDS_BY_PHONES, [
    [...new Set(phones)],
  ]);
  for (const r of rows) if (r.ids.length === 1) found.set(r.phone, r.ids[0] as string);
  return found;
}

interface CandidateRow {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  name_similarity: number;
  phone_match: boolean;
}

/**
 * Possible duplicates of a person (seed 2.4): accent-free trigram similarity on the
 * name and an exact match on the normalised phone. The score weighs both equally
 * when both are asked for.
 */
export async function findDuplicates(
  ctx: Pick<Ctx, 'erp'>,
  q: DuplicatesQuery,
): Promise<Duplicates> {
  const name = q.name?.trim() || undefined;
  const phone = normalizeOptionalPhone(q.phone);
  if (!name && !phone) throw new KgcError('bad_request', 'give a name, a phone, or both');
  const { rows } = await ctx.erp.query<CandidateRow>(sql.DUPLICATE_CANDIDATES, [
    name ?? null,
    phone ?? null,
  ]);
  const score = (r: CandidateRow): number => {
    const sim = Number(r.name_similarity);
    if (name && phone) return (sim + (r.phone_match ? 1 : 0)) / 2;
    return name ? sim : r.phone_match ? 1 : 0;
  };
  const candidates = rows
    .map((r) => ({
      customer_id: r.id,
      name: r.name,
      phone: r.phone,
      email: r.email,
      score: Math.round(score(r) * 1000) / 1000,
      name_similarity: Math.round(Number(r.name_similarity) * 1000) / 1000,
      phone_match: r.phone_match,
    }))
    .sort((a, b) => b.score - a.score || a.customer_id.localeCompare(b.customer_id))
    .slice(0, q.limit ?? 10);
  return { query: { name: name ?? null, phone: phone ?? null }, candidates };
}
