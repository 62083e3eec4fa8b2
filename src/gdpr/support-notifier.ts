/**
 * Step 2's port: what the erasure needs from the event dispatcher (issue 3) to tell
 * Support that a customer was deleted, through the same signed, retried and
 * dead-lettered path as every other event.
 *
 * WIRING (the one file to change when the dispatcher lands): replace the body of
 * `defaultSupportNotifier` with the adapter over the events service, e.g.
 *
 *   import { getEvent, publishEvent } from '../events/events.service.js';
 *   import { replayDlq } from '../webhooks/dlq.service.js';
 *   publish: async (ctx, e) => {
 *     const res = await publishEvent(ctx, { id: e.id, event: e.type, data: e.data }, 'daemon');
 *     return { eventId: res.event.id };
 *   },
 *   deliveryState: async (ctx, id) => {
 *     try { return toDelivery((await getEvent(ctx, id)).status); }
 *     catch (err) { if (isKgcError(err) && err.code === 'event_not_found') return 'unknown'; throw err; }
 *   },
 *   redeliver: async (ctx, id) => { await replayDlq(ctx, { ids: [id] }); },
 *
 * with toDelivery mapping 'rejected' to 'dead' and the rest as they are.
 */
import type { Ctx } from '../context/context.js';
import { getPluginState } from '../plugin/plugin.service.js';

export interface CustomerDeletedEvent {
  /** Chosen by the cascade and recorded before publishing: publishing it again is the same event. */
  readonly id: string;
  readonly type: 'customer.deleted';
  /** Thin by design (seed 5.2): the id and the reason, nothing else. */
  readonly data: { readonly customer_id: string; readonly gdpr_reason: string };
}

/**
 * pending: stored, not delivered yet (retries under way). delivered: a 2xx from
 * Support. dead: retries exhausted (dead-lettered). skipped: the module is disabled,
 * so it is never sent. unknown: no such event.
 */
export type DeliveryState = 'pending' | 'delivered' | 'dead' | 'skipped' | 'unknown';

export interface SupportNotifier {
  /** Publishes the event; idempotent on its id (the same id again is the same event). */
  publish(ctx: Ctx, event: CustomerDeletedEvent): Promise<{ eventId: string }>;
  deliveryState(ctx: Ctx, eventId: string): Promise<DeliveryState>;
  /** Puts a dead-lettered event back in the queue with its id (a resumed erasure asks once per run). */
  redeliver(ctx: Ctx, eventId: string): Promise<void>;
}

/**
 * Until the dispatcher is part of the build: while the module is disabled an event
 * would be stored as skipped (never sent), which is what this reports; while it is
 * enabled the step cannot be done and says so, leaving the request resumable.
 */
export function defaultSupportNotifier(): SupportNotifier {
  return {
    async publish(_ctx, event) {
      return { eventId: event.id };
    },
    async deliveryState(ctx) {
      return (await getPluginState(ctx)).enabled ? 'unknown' : 'skipped';
    },
    async redeliver() {},
  };
}
