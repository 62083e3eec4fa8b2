/**
 * The rule for an event about a customer who was erased (or whose erasure was asked)
 * that arrives afterwards: it is accepted (the ERP is never made to retry it), stored
 * with the customer's details blanked and never sent (status skipped, last_error naming
 * the erasure request). The customer is recognised by their keyed hash, the only thing a
 * finished request keeps: an event naming only a phone cannot be recognised, since no
 * phone is kept. customer.deleted is exempt: it asks for an erasure, it does not undo one.
 */
import type { Queryable } from '../context/db.js';
import { customerHash, type ReceiptKey } from './customer-hash.js';
import { needleRegExp, needlesOf, redactCustomerObjects, redactJson } from './needles.js';
import * as sql from './privacy.queries.js';

type Fields = Record<string, unknown>;
const asObject = (v: unknown): Fields | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : undefined;
const asText = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/** Whom an event is about, by the id of its `customer` (undefined: nobody the rule can recognise). */
export function customerIdOf(e: { type: string; data: unknown }): string | undefined {
  if (e.type === 'customer.deleted') return undefined;
  return asText(asObject(asObject(e.data)?.customer)?.id);
}

/** For each of these customer ids that has an erasure request: the newest request's id. */
export async function erasureRequestsFor(
  q: Queryable,
  key: ReceiptKey,
  customerIds: Iterable<string>,
): Promise<Map<string, string>> {
  const byHash = new Map<string, string>();
  for (const id of customerIds) byHash.set(customerHash(key, id), id);
  const out = new Map<string, string>();
  if (byHash.size === 0) return out;
  const { rows } = await q.query<{ customer_hash: string; id: string }>(sql.REQUESTS_BY_HASHES, [
    [...byHash.keys()],
  ]);
  for (const r of rows) out.set(byHash.get(r.customer_hash) as string, r.id);
  return out;
}

/** The payload with the customer blanked: their `customer` object, and their details wherever else they appear. */
export function redactLateEvent(data: unknown, customerId: string): unknown {
  const c = asObject(asObject(data)?.customer) ?? {};
  const needles = needlesOf(customerId, {
    phones: [asText(c.phone) ?? null],
    names: [asText(c.name) ?? null],
    emails: [asText(c.email) ?? null],
  });
  return redactJson(redactCustomerObjects(data, customerId), needleRegExp(needles));
}

export const lateNote = (requestId: string): string =>
  `about a customer erased by ${requestId}: stored with their details blanked, never sent`;
