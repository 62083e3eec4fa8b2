/**
 * The daemon's erasure worker: a partial request is resumed by itself once due (not
 * before), and the ERP's customer.deleted starts the cascade, adopting the event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestErasure } from '../../src/gdpr/gdpr.service.js';
import { startErasureWorker } from '../../src/gdpr/worker.js';
import { requestView } from '../../src/gdpr/requests.js';
import { createGdprWorld, needles, NEIGHBOUR, TARGET, type GdprWorld } from '../helpers/gdpr.js';

describe('erasure worker (pglite)', () => {
  let w: GdprWorld;
  beforeAll(async () => {
    w = await createGdprWorld('pglite');
  });
  afterAll(async () => {
    await w?.close();
  });

  it("resumes a partial request once it is due, and starts the cascade from the ERP's event", async () => {
    await w.chatwoot.stop();
    const partial = await requestErasure(w.ctx, w.deps(), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(partial.state).toBe('partial');
    await w.chatwoot.start();
    const worker = startErasureWorker(w.ctx, { deps: w.deps(), pollMs: 60_000 });
    try {
      expect(await worker.sweep()).toBe(0); // not due yet
      await w.ctx.db.query(
        `UPDATE kgc_support.gdpr_requests SET next_attempt_at = now() - interval '1 second' WHERE id = $1`,
        [partial.request_id],
      );
      expect(await worker.sweep()).toBe(1);
      expect((await requestView(w.ctx, partial.request_id)).state).toBe('completed');
      expect(await w.traces(needles(TARGET))).toEqual({});

      w.notifier.states.set('evt_erp_42', 'delivered');
      const started = await worker.fromEvent({
        eventId: 'evt_erp_42',
        customerId: NEIGHBOUR.id,
        reason: 'user_request',
      });
      expect(started.created).toBe(true);
      expect((await started.done)?.state).toBe('completed');
      expect(await w.traces(needles(NEIGHBOUR))).toEqual({});
    } finally {
      await worker.close();
    }
  });
});
