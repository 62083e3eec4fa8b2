/**
 * Step 2: the customer.deleted webhook to Support, through the dispatcher (so it is
 * signed, retried and dead-lettered like every event). The event id is recorded
 * before publishing, and publishing is idempotent on it: a resumed run publishes the
 * same event, never a second one. When the ERP's own customer.deleted event started
 * the cascade, that event is adopted and nothing is published.
 *
 * Verified only when delivered. `skipped` (the module is disabled: the event is
 * stored, never sent, not later either) is a final, recorded outcome and counts as
 * verified: the webhook only asks Support to erase its copies, and steps 3-5 erase
 * exactly those copies directly, whether Support runs or not.
 */
import { type ErasureStep, type StepContext, type StepPlan, type StepResult } from './step.js';
import { permanent, transient } from './failure.js';
import type { DeliveryState } from '../support-notifier.js';

const SKIPPED =
  "not sent: the Support module is disabled, so events are recorded as skipped; steps 3-5 erase Support's copies directly";

function newEventId(sc: StepContext): string {
  return `evt_gdpr_${sc.ctx.random.bytes(12).toString('hex')}`;
}

/** Polls the delivery state until it settles or the run's wait is over. */
async function waitForDelivery(sc: StepContext, eventId: string): Promise<DeliveryState> {
  const deadline = performance.now() + sc.ctx.config.gdprWebhookWaitMs; // elapsed real time, not a business time
  let delay = 100;
  for (;;) {
    const state = await sc.deps.notifier.deliveryState(sc.ctx, eventId);
    if (state !== 'pending' || performance.now() >= deadline) return state;
    await sc.deps.sleep(Math.min(delay, Math.max(0, deadline - performance.now())));
    delay = Math.min(delay * 2, 2_000);
  }
}

export const webhookStep: ErasureStep = {
  name: 'webhook',
  position: 2,

  async plan(sc): Promise<StepPlan> {
    if (sc.request.triggerEventId) {
      return {
        action: 'nothing',
        summary: `the ERP's event ${sc.request.triggerEventId} already tells Support`,
        counts: {},
        items: [],
      };
    }
    return {
      action: 'erase',
      summary:
        'publish customer.deleted to Support (id and reason only), delivered with retries by the dispatcher',
      counts: { events: 1 },
      items: [],
    };
  },

  async run(sc): Promise<StepResult> {
    const adopted = sc.request.triggerEventId;
    const earlier = adopted ?? sc.ref;
    if (earlier !== null && (await sc.deps.notifier.deliveryState(sc.ctx, earlier)) === 'dead') {
      // Dead-lettered before this run: resuming a failed request is the admin asking to try again.
      await sc.deps.notifier.redeliver(sc.ctx, earlier);
    }
    const eventId = adopted ?? (await sc.setRef(sc.ref ?? newEventId(sc)));
    if (!adopted) {
      await sc.deps.notifier.publish(sc.ctx, {
        id: eventId,
        type: 'customer.deleted',
        data: { customer_id: sc.request.customerId, gdpr_reason: sc.request.reason },
      });
    }
    let state = await sc.deps.notifier.deliveryState(sc.ctx, eventId);
    if (state === 'pending') state = await waitForDelivery(sc, eventId);
    const counts = { events: adopted ? 0 : 1 };
    switch (state) {
      case 'delivered':
        return {
          kind: 'done',
          counts,
          detail: `delivered to Support (event ${eventId}${adopted ? ", the ERP's own" : ''})`,
        };
      case 'skipped':
        return { kind: 'skipped', counts, detail: `${SKIPPED} (event ${eventId})` };
      case 'pending':
        return {
          kind: 'waiting',
          detail: `event ${eventId} not delivered yet: the dispatcher keeps retrying; resume checks it again`,
        };
      case 'dead':
        throw permanent(
          `event ${eventId} was dead-lettered after its retries: fix Support, then gdpr resume replays it`,
        );
      case 'unknown':
        throw permanent(
          `the dispatcher does not know event ${eventId}${adopted ? '' : ' (is the webhook dispatcher part of this build?)'}`,
        );
    }
    throw transient(`unexpected delivery state of event ${eventId}`);
  },

  async verify(sc, result) {
    const eventId = sc.request.triggerEventId ?? sc.ref;
    if (eventId === null) return 'no event id recorded';
    const state = await sc.deps.notifier.deliveryState(sc.ctx, eventId);
    const want = result.kind === 'skipped' ? 'skipped' : 'delivered';
    return state === want ? undefined : `event ${eventId} is ${state}, not ${want}`;
  },

  async collect() {
    return {
      status: 'not_kept',
      detail:
        "a webhook keeps nothing of its own: the events sent to Support, with Support's answers, are under store; Support's copies under memory, chatwoot and redis",
      data: null,
    };
  },
};
