/**
 * Which cached answers an event makes stale (the event catalogue, catalogue.ts):
 * everything filed under the customer it names (by id, or through the by-phone
 * lookup of its phone), the rental, worklog or order it names, and for order.arrived
 * the stock of each item's product. The by-phone answer counts open rentals and
 * repairs, so every event about a customer drops all of that customer's answers.
 */
import { lookupTag, ownerTag } from './keys.js';

export interface Invalidation {
  /** Owner tags whose every key goes (customer:<id>, sku:<sku>). */
  readonly owners: string[];
  /** Lookup tags whose owner goes with them (rental:<id>, by-phone:<hash>, …). */
  readonly refs: string[];
}

type Fields = Record<string, unknown>;
const asObject = (v: unknown): Fields | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : undefined;
const asText = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

export function invalidationFor(
  prefix: string,
  events: readonly { readonly type: string; readonly data: unknown }[],
): Invalidation {
  const owners = new Set<string>();
  const refs = new Set<string>();
  const owner = (tag: string | undefined) => tag !== undefined && owners.add(tag);
  const ref = (kind: 'rental' | 'worklog' | 'order-status' | 'order-arrival', id: unknown) => {
    const text = asText(id);
    if (text !== undefined) refs.add(lookupTag(prefix, { kind, lookup: text }));
  };
  for (const e of events) {
    const d = asObject(e.data);
    if (!d) continue;
    const customer = asObject(d.customer);
    const id = asText(customer?.id) ?? asText(d.customer_id);
    if (id !== undefined) owner(ownerTag({ customer: id }));
    const phone = asText(customer?.phone);
    if (phone !== undefined) refs.add(lookupTag(prefix, { kind: 'by-phone', lookup: phone }));
    ref('rental', d.rental_id);
    ref('worklog', d.worklog_id);
    ref('order-status', d.order_id);
    ref('order-arrival', d.order_id);
    if (Array.isArray(d.items))
      for (const item of d.items) {
        const sku = asText(asObject(item)?.sku);
        if (sku !== undefined) owner(ownerTag({ sku }));
      }
  }
  return { owners: [...owners], refs: [...refs] };
}
