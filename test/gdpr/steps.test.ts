/**
 * The steps' harder cases: a phone that could be someone else's (the step stops and
 * deletes nothing), the webhook's outcomes through a table-backed dispatcher port
 * (waiting, dead-lettered then replayed by resume, skipped while the module is off),
 * anonymise mode (rows kept for invoices, the person gone), and systems that are not
 * configured (skipped, and said so in the receipt). On PostgreSQL only: each case
 * needs a fresh world, and the SQL they add is the same the cascade and resume tests
 * run on both engines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setSwitch } from '../../src/plugin/plugin.service.js';
import { erasureReceipt, requestErasure, resumeErasure } from '../../src/gdpr/gdpr.service.js';
import type { DeliveryState } from '../../src/gdpr/support-notifier.js';
import {
  createGdprWorld,
  needles,
  NEIGHBOUR,
  TARGET,
  tableNotifier,
  type GdprWorld,
} from '../helpers/gdpr.js';

describe.each(['postgres'] as const)('erasure steps (%s)', (kind) => {
  let w: GdprWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('a phone matching several contacts without an id stops the Chatwoot step: nothing deleted there until a person tells them apart', async () => {
    w = await createGdprWorld(kind);
    const stranger = w.chatwoot.add({
      name: 'Ismeretlen',
      email: null,
      phone_number: TARGET.phone,
      identifier: null,
    });
    const first = await requestErasure(w.ctx, w.deps(), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(first.state).toBe('failed');
    expect(first.steps.map((s) => s.state)).toEqual([
      'done',
      'done',
      'done',
      'failed',
      'done',
      'done',
    ]);
    expect(first.steps[3]?.detail).toContain(`#${w.contacts.targetByPhone.id}, #${stranger.id}`);
    expect(w.chatwoot.calls.delete).toBe(0);
    expect(first.steps[3]?.attempts).toBe(1); // a permanent failure is not retried

    // The admin sets the identifiers in Chatwoot; resume finishes the job and leaves the stranger alone.
    (
      w.chatwoot.contacts.get(w.contacts.targetByPhone.id) as { identifier: string | null }
    ).identifier = TARGET.id;
    (w.chatwoot.contacts.get(stranger.id) as { identifier: string | null }).identifier = 'C-4242';
    const second = await resumeErasure(w.ctx, w.deps(), first.request_id);
    expect(second.state).toBe('completed');
    expect(w.chatwoot.contacts.has(stranger.id)).toBe(true);
    expect([...w.chatwoot.deletes.keys()].sort()).toEqual(
      [w.contacts.target.id, w.contacts.targetByPhone.id].sort(),
    );
  });

  it('webhook through a table-backed port: waiting → resumed when delivered; dead → replayed by resume; one event row throughout', async () => {
    w = await createGdprWorld(kind);
    let status: DeliveryState = 'pending';
    const notifier = tableNotifier(w.ctx.db, () => status);
    await notifier.setup();
    const first = await requestErasure(w.ctx, w.deps({ notifier }), {
      customer_id: TARGET.id,
      reason: 'retention_expired',
    });
    expect(first.state).toBe('partial');
    expect(first.steps[1]).toMatchObject({
      state: 'retry',
      detail: expect.stringContaining('not delivered yet'),
    });
    const eventId = first.steps[1]?.ref as string;

    await w.ctx.db.query(`UPDATE gdpr_fake.events SET status = 'dead'`);
    status = 'delivered';
    const second = await resumeErasure(w.ctx, w.deps({ notifier }), first.request_id);
    expect(second.state).toBe('completed');
    expect(second.steps[1]).toMatchObject({
      state: 'done',
      ref: eventId,
      runs: 2,
      counts: { events: 1 },
    });
    const { rows } = await w.ctx.db.query<{ id: string; published: number; data: unknown }>(
      `SELECT id, published, data FROM gdpr_fake.events`,
    );
    expect(rows).toEqual([
      {
        id: eventId,
        published: 2,
        data: { customer_id: TARGET.id, gdpr_reason: 'retention_expired' },
      },
    ]);
    expect(second.steps.filter((s) => s.step !== 'webhook').every((s) => s.runs === 1)).toBe(true);
  });

  it('a dead-lettered webhook fails the request (a person must look); resume replays it', async () => {
    w = await createGdprWorld(kind);
    w.notifier.mode = 'dead';
    const first = await requestErasure(w.ctx, w.deps(), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(first.state).toBe('failed');
    expect(first.steps[1]?.detail).toContain('dead-lettered');
    w.notifier.mode = 'deliver';
    const second = await resumeErasure(w.ctx, w.deps(), first.request_id);
    expect(second.state).toBe('completed');
    expect(w.notifier.redelivered).toEqual([first.steps[1]?.ref]);
  });

  it("module disabled: the webhook is skipped, explained, and the request completes (steps 3-5 erase Support's copies directly)", async () => {
    w = await createGdprWorld(kind);
    await setSwitch(w.ctx, false);
    const { defaultSupportNotifier } = await import('../../src/gdpr/support-notifier.js');
    const view = await requestErasure(w.ctx, w.deps({ notifier: defaultSupportNotifier() }), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(view.state).toBe('completed');
    expect(view.steps[1]).toMatchObject({ state: 'skipped', verified: true });
    const receipt = await erasureReceipt(w.ctx, view.request_id);
    expect(receipt.steps[1]).toMatchObject({
      outcome: 'skipped',
      verified: true,
      detail: expect.stringContaining('module is disabled'),
    });
    expect(w.memoryFiles()).toEqual(['C-90010.json']);
  });

  it('anonymise mode: the rows stay under the id for invoices, the person is gone', async () => {
    w = await createGdprWorld(kind, { KGC_GDPR_ERASE_MODE: 'anonymise' });
    const view = await requestErasure(w.ctx, w.deps(), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(view.state).toBe('completed');
    expect(view.erase_mode).toBe('anonymise');
    expect(view.steps[0]?.counts).toMatchObject({
      customers_anonymised: 1,
      appointments_anonymised: 1,
      unlinked_appointments_anonymised: 1,
    });
    expect(await w.traces(needles(TARGET))).toEqual({});
    const { rows } = await w.ctx.erp.query(
      `SELECT name, phone, email, tax_number, id_card_number, balance FROM kgc_erp.customers WHERE id = $1`,
      [TARGET.id],
    );
    expect(rows).toEqual([
      {
        name: '[erased]',
        phone: null,
        email: null,
        tax_number: null,
        id_card_number: null,
        balance: 0,
      },
    ]);
    const kept = await w.ctx.erp.query(
      `SELECT (SELECT count(*) FROM kgc_erp.rentals WHERE customer_id = $1)::int AS rentals,
      (SELECT count(*) FROM kgc_erp.orders WHERE customer_id = $1)::int AS orders, (SELECT count(*) FROM kgc_erp.appointments WHERE customer_id = $1)::int AS appointments`,
      [TARGET.id],
    );
    expect(kept.rows[0]).toEqual({ rentals: 1, orders: 1, appointments: 1 });
    expect(await w.traces(needles(NEIGHBOUR))).toMatchObject({ 'kgc_erp.customers': 1 });
    // Anonymising again changes nothing and still verifies.
    const again = await requestErasure(w.ctx, w.deps(), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(again.steps[0]).toMatchObject({
      state: 'done',
      detail: 'nothing left in the ERP (already gone)',
    });
  });

  it('systems that are not configured are skipped, and the receipt says which and why', async () => {
    w = await createGdprWorld(kind);
    const view = await requestErasure(
      w.ctx,
      w.deps({
        chatwoot: { kind: 'absent', why: 'CHATWOOT_URL is not set' },
        redis: { kind: 'absent', why: 'REDIS_URL is not set' },
        memoryRoot: `${w.memoryRoot}/nowhere`,
      }),
      { customer_id: TARGET.id, reason: 'user_request' },
    );
    expect(view.state).toBe('completed');
    expect(view.steps.map((s) => s.state)).toEqual([
      'done',
      'done',
      'skipped',
      'skipped',
      'skipped',
      'done',
    ]);
    const receipt = await erasureReceipt(w.ctx, view.request_id);
    expect(receipt.steps.slice(2, 5).map((s) => s.detail)).toEqual([
      expect.stringContaining('no memory root'),
      'Chatwoot is not configured (CHATWOOT_URL is not set)',
      'Redis is not configured (REDIS_URL is not set)',
    ]);
    // Misconfigured is not skipped: it fails, so nobody mistakes it for an erasure.
    const bad = await requestErasure(
      w.ctx,
      w.deps({
        chatwoot: {
          kind: 'misconfigured',
          why: 'CHATWOOT_URL is set but CHATWOOT_API_TOKEN is not',
        },
      }),
      { customer_id: TARGET.id, reason: 'user_request' },
    );
    expect(bad.state).toBe('failed');
    expect(bad.steps[3]?.detail).toContain('CHATWOOT_API_TOKEN');
  });
});
