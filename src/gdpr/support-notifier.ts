/**
 * Step 2's port: what the erasure needs from the event dispatcher (issue 3) to tell
 * Support that a customer was deleted, through the same signed, retried and
 * dead-lettered path as every other event.
 */
import type { Ctx } from '../context/context.js';
import { isKgcError } from '../errors/kgc-error.js';
import { getEvent, publishEvent } from '../events/events.service.js';
import { replayDlq } from '../webhooks/dlq.service.js';

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
 * Through the events service: the event is stored like any other and the dispatcher
 * signs, retries and dead-letters it. A rejected event (its payload failed the
 * schema) counts as dead.
 */
export function defaultSupportNotifier(): SupportNotifier {
  return {
    async publish(ctx, event) {
      const res = await publishEvent(
        ctx,
        { id: event.id, event: event.type, data: event.data },
        'daemon',
      );
      return { eventId: res.event.id };
    },
    async deliveryState(ctx, eventId) {
      try {
        const status = (await getEvent(ctx, eventId)).status;
        return status === 'rejected' ? 'dead' : status;
      } catch (err) {
        if (isKgcError(err) && err.code === 'event_not_found') return 'unknown';
        throw err;
      }
    },
    async redeliver(ctx, eventId) {
      await replayDlq(ctx, { ids: [eventId] });
    },
  };
}
