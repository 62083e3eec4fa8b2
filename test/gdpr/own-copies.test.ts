/**
 * Erasure reaches the daemon's own copies (issue 19), on both engines: events about
 * one customer delivered by the real dispatcher to a receiver that echoes every body
 * (as a Python receiver would, non-ASCII as \u escapes), a dead-lettered one, an API
 * audit row naming them, and a row in the ERP's outbox. `gdpr delete` (delete mode)
 * with the real dispatcher port; then a dump of every table of the whole database
 * holds no trace of the customer's id, any form of their phone, their name or their
 * e-mail, while the neighbour's events, answers and outbox row are untouched. An
 * event about the erased customer arriving later is stored blanked and never sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErasureDeps } from '../../src/gdpr/deps.js';
import { requestErasure, resumeErasure } from '../../src/gdpr/gdpr.service.js';
import type { RequestView } from '../../src/gdpr/gdpr.schema.js';
import { publishEvents } from '../../src/events/events.service.js';
import { drainOutbox } from '../../src/events/outbox.js';
import { startDispatcher } from '../../src/webhooks/dispatcher.js';
import type { Dispatcher } from '../../src/webhooks/dispatcher.types.js';
import {
  createGdprWorld,
  NEIGHBOUR,
  TARGET,
  type GdprWorld,
  type Person,
} from '../helpers/gdpr.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { dumpDatabase, traceForms, tracesIn } from '../helpers/gdpr-dump.js';
import { STORE_KINDS } from '../helpers/store.js';
import { fastEnv } from '../helpers/webhooks.js';

/** A body as Python's json.dumps writes it: every non-ASCII character as \uXXXX. */
const pythonJson = (body: string) =>
  body.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const customer = (p: Person) => ({ id: p.id, name: p.name, phone: p.phone, email: p.email });

describe.each(STORE_KINDS)("erasure of the daemon's own copies (%s)", (kind) => {
  let w: GdprWorld;
  let receiver: TestReceiver;
  let dispatcher: Dispatcher | undefined;
  let view: RequestView;
  const eventsOf = (p: Person) => [
    {
      id: `${kind}-rs-${p.id}`,
      event: 'rental.started',
      data: {
        rental_id: `R-${p.id}`,
        customer: customer(p),
        machine: { id: 'MAK-TV01', name: 'Makita talajvibrátor' },
        rental_start: '2026-01-05',
        rental_end: '2026-01-07',
      },
    },
    {
      id: `${kind}-qr-${p.id}`,
      event: 'service.quote_ready',
      data: {
        worklog_id: `M-${p.id}`,
        customer: { id: p.id, phone: p.phone },
        quote_amount: 12000,
        technician_notes: `Visszahívás: 06 ${p.phone.slice(3, 5)} ${p.phone.slice(5, 8)} ${p.phone.slice(8)}, ${p.email}`,
      },
    },
    {
      id: `${kind}-dead-${p.id}`,
      event: 'order.arrived',
      data: {
        order_id: `O-${p.id}`,
        customer: customer(p),
        items: [{ sku: 'MAK-DGA452', name: 'Makita akkus fúró', quantity: 1 }],
      },
    },
  ];
  const start = async () => {
    dispatcher = await startDispatcher({ ctx: w.ctx, enabled: () => true });
  };
  const stop = async () => {
    await dispatcher?.close();
    dispatcher = undefined;
  };

  beforeAll(async () => {
    // Echoes every body back; answers 410 (gone: dead-lettered at once) to the -dead- events.
    receiver = await startReceiver((req) =>
      req.body.includes('-dead-')
        ? { status: 410, body: pythonJson(req.body) }
        : {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: pythonJson(req.body),
          },
    );
    w = await createGdprWorld(
      kind,
      fastEnv(receiver.url, {
        KGC_GDPR_WEBHOOK_WAIT: '200ms',
        // No attempt timed out and retried on a loaded machine: the counts below are exact.
        KGC_SUPPORT_WEBHOOK_TIMEOUT: '30s',
        KGC_SUPPORT_WEBHOOK_LEASE: '60s',
      }),
    );
  });
  afterAll(async () => {
    await stop();
    await receiver?.stop();
    await w?.close();
  });

  it('holds the customer everywhere first: delivered events with echoed answers, a dead one, an audit row, an outbox row', async () => {
    await start();
    const results = await publishEvents(
      w.ctx,
      [...eventsOf(TARGET), ...eventsOf(NEIGHBOUR)],
      'api',
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'));
    await receiver.waitFor(6, 30_000);
    await dispatcher?.waitIdle(30_000);
    await stop();
    await w.ctx.db.query(
      `INSERT INTO kgc_support.audit_log (at, kind, key_id, method, route, resource_id, status, latency_ms)
       VALUES (now(), 'api', 'key_x', 'GET', '/api/customers/by-phone/:phone', $1, 200, 1), (now(), 'api', 'key_x', 'GET', '/api/customers/by-phone/:phone', $2, 200, 1)`,
      [TARGET.id, NEIGHBOUR.id],
    );
    for (const p of [TARGET, NEIGHBOUR])
      await w.ctx.erp.query(
        `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ($1, 'rental.ended', $2)`,
        [
          `${kind}-outbox-${p.id}`,
          JSON.stringify({
            rental_id: `R-${p.id}`,
            customer: customer(p),
            satisfaction_survey: true,
          }),
        ],
      );
    const { rows } = await w.ctx.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM kgc_support.events GROUP BY status ORDER BY status`,
    );
    expect(rows).toEqual([
      { status: 'dead', n: 2 },
      { status: 'delivered', n: 4 },
    ]);
    const dump = await dumpDatabase(w.ctx.db);
    expect(tracesIn(dump, traceForms(TARGET))).toMatchObject({
      'kgc_support.events': 3,
      'kgc_support.delivery_attempts': 3,
      'kgc_support.audit_log': 1,
      'kgc_erp.support_outbox': 1,
    });
  });

  it('gdpr delete erases them all but the customer.deleted on its way, and waits for its delivery', async () => {
    const deps = createErasureDeps(w.ctx);
    try {
      view = await requestErasure(w.ctx, deps, { customer_id: TARGET.id, reason: 'user_request' });
    } finally {
      await deps.close();
    }
    expect(view.state).toBe('partial');
    const store = view.steps.find((s) => s.step === 'store');
    expect(store).toMatchObject({ state: 'retry', detail: expect.stringContaining('on its way') });
    expect(store?.counts).toMatchObject({
      events_deleted: 3,
      attempts_deleted: 3,
      audit_rows: 1,
      outbox_rows: 1,
    });
    const left = tracesIn(await dumpDatabase(w.ctx.db), traceForms(TARGET));
    // Only the customer.deleted event (id and reason) and the request itself, until it completes.
    expect(left).toEqual({ 'kgc_support.events': 1, 'kgc_support.gdpr_requests': 1 });
  });

  it('once Support has the customer.deleted, resume erases that too: the whole database holds no trace', async () => {
    await start();
    // The customer.deleted (echoed back) and the neighbour's outbox event.
    await receiver.waitFor(8, 60_000);
    await dispatcher?.waitIdle(30_000);
    const deps = createErasureDeps(w.ctx);
    try {
      view = await resumeErasure(w.ctx, deps, view.request_id);
    } finally {
      await deps.close();
    }
    expect(view.state).toBe('completed');
    expect(view.steps.every((s) => s.verified)).toBe(true);
    expect(tracesIn(await dumpDatabase(w.ctx.db), traceForms(TARGET))).toEqual({});
  });

  it("leaves the neighbour's events, echoed answers, audit row and outbox event as they were", async () => {
    const neighbours = async () =>
      (
        await w.ctx.db.query<{ id: string; status: string; data: { customer: unknown } }>(
          `SELECT id, status, data FROM kgc_support.events WHERE id LIKE '%' || $1 ORDER BY id`,
          [NEIGHBOUR.id],
        )
      ).rows;
    // On a loaded machine an attempt may time out and be retried: wait for the outbox event's delivery.
    await until(
      async () => (await neighbours()).every((r) => r.status !== 'pending'),
      60_000,
      "the neighbour's outbox event delivered",
    );
    const rows = await neighbours();
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [`${kind}-dead-${NEIGHBOUR.id}`, 'dead'],
      [`${kind}-outbox-${NEIGHBOUR.id}`, 'delivered'],
      [`${kind}-qr-${NEIGHBOUR.id}`, 'delivered'],
      [`${kind}-rs-${NEIGHBOUR.id}`, 'delivered'],
    ]);
    expect(rows[3]?.data.customer).toEqual(customer(NEIGHBOUR));
    const found = tracesIn(await dumpDatabase(w.ctx.db), traceForms(NEIGHBOUR));
    expect(found).toMatchObject({
      'kgc_support.events': 4,
      'kgc_support.audit_log': 1,
      'kgc_erp.customers': 1,
    });
    // Every answer echoed back is kept (a retried attempt adds one).
    expect(found['kgc_support.delivery_attempts']).toBeGreaterThanOrEqual(4);
  });

  it('an event about the erased customer arriving later is stored blanked, never sent', async () => {
    const [late] = await publishEvents(
      w.ctx,
      [{ id: `${kind}-late`, event: 'rental.started', data: eventsOf(TARGET)[0]?.data ?? {} }],
      'api',
    );
    expect(late).toMatchObject({ status: 'fulfilled', value: { event: { status: 'skipped' } } });
    const { rows } = await w.ctx.db.query<{ last_error: string; data: unknown }>(
      `SELECT last_error, data FROM kgc_support.events WHERE id = $1`,
      [`${kind}-late`],
    );
    expect(rows[0]?.last_error).toContain(view.request_id);
    expect(rows[0]?.data).toMatchObject({
      rental_id: `R-${TARGET.id}`,
      customer: { id: '[erased]', name: '[erased]', phone: '[erased]', email: '[erased]' },
    });
    // The same through the ERP's outbox.
    await w.ctx.erp.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ($1, 'rental.started', $2)`,
      [`${kind}-late-outbox`, JSON.stringify(eventsOf(TARGET)[0]?.data)],
    );
    // Taken in by this drain or by the running dispatcher's (then maybe still committing): the same way.
    await drainOutbox(w.ctx);
    const status = async () =>
      (
        await w.ctx.db.query<{ status: string }>(
          `SELECT status FROM kgc_support.events WHERE id = $1`,
          [`${kind}-late-outbox`],
        )
      ).rows[0]?.status;
    await until(async () => (await status()) !== undefined, 30_000, 'the outbox row taken in');
    expect(await status()).toBe('skipped');
    expect(tracesIn(await dumpDatabase(w.ctx.db), traceForms(TARGET))).toEqual({});
    expect(receiver.deliveries.some((d) => d.body.includes('-late'))).toBe(false);
  });
});
