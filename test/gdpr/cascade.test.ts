/**
 * The erasure cascade end to end, on both engines, against real Redis, real files
 * and a Chatwoot stand-in: every trace of the customer is gone (a search of every
 * ERP and daemon table for their name, phone, e-mail and id finds nothing), the
 * neighbour whose id starts the same way keeps everything, and the receipt proves
 * it without a single personal detail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  erasureReceipt,
  erasureStatus,
  planErasure,
  requestErasure,
  startErasureFromEvent,
} from '../../src/gdpr/gdpr.service.js';
import type { RequestView } from '../../src/gdpr/gdpr.schema.js';
import { queryAudit } from '../../src/audit/audit.service.js';
import { createGdprWorld, needles, NEIGHBOUR, TARGET, type GdprWorld } from '../helpers/gdpr.js';
import { STORE_KINDS } from '../helpers/store.js';

const NEIGHBOUR_KEYS = [
  'chat:C-90010:history',
  'support:customer:C-90010',
  'support:customer:C-90010:profile',
];

describe.each(STORE_KINDS)('GDPR erasure cascade (%s)', (kind) => {
  let w: GdprWorld;
  let view: RequestView;
  beforeAll(async () => {
    w = await createGdprWorld(kind);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('the dry run lists what each system holds and touches nothing', async () => {
    const before = {
      traces: await w.traces(needles(TARGET)),
      files: w.memoryFiles(),
      keys: (await w.redisKeys()).length,
      contacts: w.chatwoot.contacts.size,
    };
    const plan = await planErasure(w.ctx, w.deps(), { customer_id: TARGET.id });
    const by = Object.fromEntries(plan.steps.map((s) => [s.step, s]));
    expect(by.erp?.counts).toEqual({
      customers: 1,
      rentals: 1,
      worklogs: 1,
      orders: 1,
      order_items: 2,
      appointments: 1,
      unlinked_appointments: 1,
      booking_replies: 1,
    });
    expect(by.memory?.items).toEqual(['C-9001.json', 'C-9001.json.bak']);
    expect(by.chatwoot?.items).toEqual([
      `contact #${w.contacts.target.id} (identifier)`,
      `contact #${w.contacts.targetByPhone.id} (phone)`,
    ]);
    expect(by.redis?.counts).toEqual({ keys: 1203 });
    expect(w.chatwoot.calls.delete).toBe(0);
    expect({
      traces: await w.traces(needles(TARGET)),
      files: w.memoryFiles(),
      keys: (await w.redisKeys()).length,
      contacts: w.chatwoot.contacts.size,
    }).toEqual(before);
    expect(await erasureStatus(w.ctx, {})).toEqual([]);
  });

  it('completes: every step done and verified, with its counts', async () => {
    view = await requestErasure(w.ctx, w.deps(), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(view.state).toBe('completed');
    expect(view.steps.map((s) => [s.step, s.state, s.runs])).toEqual([
      ['erp', 'done', 1],
      ['webhook', 'done', 1],
      ['memory', 'done', 1],
      ['chatwoot', 'done', 1],
      ['redis', 'done', 1],
      ['store', 'done', 1],
    ]);
    const counts = Object.fromEntries(view.steps.map((s) => [s.step, s.counts]));
    expect(counts.erp).toMatchObject({
      customers: 1,
      rentals: 1,
      worklogs: 1,
      orders: 1,
      order_items: 2,
      appointments: 1,
      unlinked_appointments_anonymised: 1,
      booking_replies: 1,
    });
    expect(counts).toMatchObject({
      webhook: { events: 1 },
      memory: { files: 2 },
      chatwoot: { contacts: 2 },
      redis: { keys: 1203 },
    });
    // The webhook carried the id and the reason, nothing else.
    expect(w.notifier.published).toEqual([
      {
        id: view.steps[1]?.ref,
        type: 'customer.deleted',
        data: { customer_id: TARGET.id, gdpr_reason: 'user_request' },
      },
    ]);
  });

  it('leaves nothing of the customer in the ERP, the daemon tables, the memory root, Chatwoot or Redis', async () => {
    expect(await w.traces(needles(TARGET))).toEqual({});
    expect(await w.idTraces(TARGET.id)).toEqual({});
    expect(w.memoryFiles()).toEqual(['C-90010.json']);
    expect(
      [...w.chatwoot.contacts.values()].filter(
        (c) => c.identifier === TARGET.id || c.phone_number === TARGET.phone,
      ),
    ).toEqual([]);
    expect(await w.redisKeys()).toEqual(NEIGHBOUR_KEYS);
  });

  it('leaves the neighbour (C-90010, same prefix) and the lookalike contact untouched', async () => {
    const erp = await w.traces(needles(NEIGHBOUR));
    expect(erp).toMatchObject({ 'kgc_erp.customers': 1, 'kgc_erp.appointments': 2 });
    const { rows } = await w.ctx.erp.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM kgc_erp.rentals WHERE customer_id = $1) + (SELECT count(*) FROM kgc_erp.order_items i JOIN kgc_erp.orders o ON o.id = i.order_id WHERE o.customer_id = $1) AS n`,
      [NEIGHBOUR.id],
    );
    expect(Number(rows[0]?.n)).toBe(3); // one rental, two order items
    expect(w.chatwoot.contacts.has(w.contacts.neighbour.id)).toBe(true);
    expect(w.chatwoot.contacts.has(w.contacts.lookalike.id)).toBe(true);
    expect([...w.chatwoot.deletes.keys()].sort()).toEqual(
      [w.contacts.target.id, w.contacts.targetByPhone.id].sort(),
    );
  });

  it('gives a receipt with the keyed hash, outcomes and counts, and no personal data', async () => {
    const receipt = await erasureReceipt(w.ctx, view.request_id);
    const text = JSON.stringify(receipt);
    for (const n of [...needles(TARGET), TARGET.id, 'Szia', 'history'])
      expect(text, n).not.toContain(n);
    expect(receipt).toMatchObject({
      request_id: view.request_id,
      reason: 'user_request',
      state: 'completed',
      customer: {
        hash: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/),
        key_id: expect.stringMatching(/^rk_/),
      },
    });
    expect(receipt.steps.every((s) => s.verified)).toBe(true);
    // The franchise, holding the key, can still answer "was C-9001 erased?".
    const found = await erasureStatus(w.ctx, { customer_id: TARGET.id });
    expect(found.map((r) => [r.request_id, r.state, r.customer_id])).toEqual([
      [view.request_id, 'completed', null],
    ]);
    expect(await erasureStatus(w.ctx, { customer_id: NEIGHBOUR.id })).toEqual([]);
  });

  it('records the request and every step in the audit log, by request id only', async () => {
    const rows = (await queryAudit(w.ctx, { since: '1h', kind: 'admin', limit: 100 })).filter(
      (r) => r.resource_id === view.request_id,
    );
    expect(rows.map((r) => [r.route, r.status]).reverse()).toEqual([
      ['gdpr.request.received', 201],
      ['gdpr.step.erp', 200],
      ['gdpr.step.webhook', 200],
      ['gdpr.step.memory', 200],
      ['gdpr.step.chatwoot', 200],
      ['gdpr.step.redis', 200],
      ['gdpr.step.store', 200],
      ['gdpr.run.completed', 200],
    ]);
  });

  it('a second erasure of the same customer finds everything already gone and completes with zero counts', async () => {
    const again = await requestErasure(w.ctx, w.deps(), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(again.state).toBe('completed');
    expect(
      again.steps
        .filter((s) => s.step !== 'webhook')
        .every((s) => Object.values(s.counts).every((n) => n === 0)),
    ).toBe(true);
    expect(again.steps[0]?.detail).toBe('nothing left in the ERP (already gone)');
  });

  it("started by the ERP's own customer.deleted: adopts that event (no second one), once per event id", async () => {
    const published = w.notifier.published.length;
    w.notifier.states.set('evt_erp_1', 'delivered');
    const first = await startErasureFromEvent(w.ctx, w.deps(), {
      eventId: 'evt_erp_1',
      customerId: NEIGHBOUR.id,
      reason: 'user_request',
    });
    expect(first.created).toBe(true);
    const done = await first.done;
    expect(done?.state).toBe('completed');
    expect(done?.source).toBe('event');
    expect(done?.steps[1]).toMatchObject({
      state: 'done',
      ref: 'evt_erp_1',
      counts: { events: 0 },
    });
    expect(w.notifier.published.length).toBe(published);
    const twice = await startErasureFromEvent(w.ctx, w.deps(), {
      eventId: 'evt_erp_1',
      customerId: NEIGHBOUR.id,
      reason: 'user_request',
    });
    expect(twice).toMatchObject({ requestId: first.requestId, created: false, done: undefined });
    // The cascade's own event coming back through the intake starts nothing.
    const own = await startErasureFromEvent(w.ctx, w.deps(), {
      eventId: view.steps[1]?.ref as string,
      customerId: TARGET.id,
      reason: 'user_request',
    });
    expect(own).toMatchObject({ requestId: view.request_id, created: false });
    expect(await w.redisKeys()).toEqual([]);
  });
});
