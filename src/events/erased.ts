/**
 * Applies the late-event rule of src/privacy/late-events.ts to events about to be
 * stored: an event about a customer with an erasure request is blanked and marked, so
 * that the insert stores it as skipped (never sent). Reads through `q`: inside the
 * outbox's transaction on the embedded store, the only connection it has.
 */
import type { Queryable } from '../context/db.js';
import type { ReceiptKey } from '../privacy/customer-hash.js';
import {
  customerIdOf,
  erasureRequestsFor,
  lateNote,
  redactLateEvent,
} from '../privacy/late-events.js';

interface Markable {
  readonly type: string;
  readonly data: unknown;
  /** Set here: why the event is stored blanked and never sent. */
  readonly erased?: string | null;
}

export async function markErased<T extends Markable>(
  q: Queryable,
  key: ReceiptKey,
  events: readonly T[],
): Promise<T[]> {
  const ids = new Set<string>();
  for (const e of events) {
    const id = customerIdOf(e);
    if (id !== undefined) ids.add(id);
  }
  const erased = await erasureRequestsFor(q, key, ids);
  if (erased.size === 0) return [...events];
  return events.map((e) => {
    const id = customerIdOf(e);
    const request = id === undefined ? undefined : erased.get(id);
    if (id === undefined || request === undefined) return e;
    return { ...e, data: redactLateEvent(e.data, id), erased: lateNote(request) };
  });
}
