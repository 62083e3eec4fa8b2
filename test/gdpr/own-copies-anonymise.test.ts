/**
 * Erase mode `anonymise` on the daemon's own copies, on both engines: the events stay
 * (ids, types, times, outcomes) with the person blanked in their data, their body and
 * their attempts' echoed answers; what was still to be sent (pending, dead) is never
 * sent (skipped); the ERP's outbox row is taken in blanked; the audit row names the
 * request. No trace of the customer is left in kgc_support or the outbox, and the
 * neighbour keeps everything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvents } from '../../src/events/events.service.js';
import { requestErasure } from '../../src/gdpr/gdpr.service.js';
import { startDispatcher } from '../../src/webhooks/dispatcher.js';
import { dumpDatabase, traceForms, tracesIn } from '../helpers/gdpr-dump.js';
import {
  createGdprWorld,
  NEIGHBOUR,
  TARGET,
  type GdprWorld,
  type Person,
} from '../helpers/gdpr.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { STORE_KINDS } from '../helpers/store.js';
import { fastEnv } from '../helpers/webhooks.js';

const customer = (p: Person) => ({ id: p.id, name: p.name, phone: p.phone, email: p.email });
const rental = (id: string, p: Person) => ({
  id,
  event: 'rental.started',
  data: {
    rental_id: `R-${p.id}`,
    customer: customer(p),
    machine: { name: 'Makita talajvibrátor' },
    rental_start: '2026-01-05',
    rental_end: '2026-01-07',
  },
});

describe.each(STORE_KINDS)('anonymise mode on the daemon copies (%s)', (kind) => {
  let w: GdprWorld;
  let receiver: TestReceiver;
  beforeAll(async () => {
    receiver = await startReceiver((req) =>
      req.body.includes('"a-dead') ? { status: 410 } : { status: 200, body: req.body },
    );
    w = await createGdprWorld(kind, {
      ...fastEnv(receiver.url),
      KGC_GDPR_ERASE_MODE: 'anonymise',
    });
  });
  afterAll(async () => {
    await receiver?.stop();
    await w?.close();
  });

  it('keeps the rows with the person blanked, sends nothing more about them, leaves no trace', async () => {
    const dispatcher = await startDispatcher({ ctx: w.ctx, enabled: () => true });
    await publishEvents(
      w.ctx,
      [rental('a-ok-1', TARGET), rental('a-dead-1', TARGET), rental('a-ok-2', NEIGHBOUR)],
      'api',
    );
    await receiver.waitFor(3, 30_000);
    await dispatcher.waitIdle(30_000);
    await dispatcher.close();
    // Published while no dispatcher runs: still pending at the erasure.
    await publishEvents(w.ctx, [rental('a-pending-1', TARGET)], 'api');
    await w.ctx.erp.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ('a-outbox-1', 'rental.started', $1)`,
      [JSON.stringify(rental('x', TARGET).data)],
    );

    const view = await requestErasure(w.ctx, w.deps(), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(view.state).toBe('completed');
    expect(view.steps.find((s) => s.step === 'store')?.counts).toMatchObject({
      events_anonymised: 3,
      attempts_anonymised: 2,
      outbox_rows: 1,
    });

    const { rows } = await w.ctx.db.query<{
      id: string;
      status: string;
      data: { customer: Record<string, string> };
      body: string;
    }>(`SELECT id, status, data, body FROM kgc_support.events WHERE id LIKE 'a-%' ORDER BY id`);
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['a-dead-1', 'skipped'],
      ['a-ok-1', 'delivered'],
      ['a-ok-2', 'delivered'],
      ['a-outbox-1', 'skipped'],
      ['a-pending-1', 'skipped'],
    ]);
    const blank = { id: '[erased]', name: '[erased]', phone: '[erased]', email: '[erased]' };
    for (const r of rows.filter((x) => x.id !== 'a-ok-2')) {
      expect(r.data.customer, r.id).toEqual(blank);
      expect((JSON.parse(r.body) as { data: unknown }).data, r.id).toEqual(r.data);
    }
    expect(rows[2]?.data.customer).toEqual(customer(NEIGHBOUR));

    const dump = await dumpDatabase(w.ctx.db);
    const ours = new Map(
      [...dump].filter(([t]) => t.startsWith('kgc_support.') || t === 'kgc_erp.support_outbox'),
    );
    expect(tracesIn(ours, traceForms(TARGET))).toEqual({});
    expect(tracesIn(ours, traceForms(NEIGHBOUR))).toMatchObject({
      'kgc_support.events': 1,
      'kgc_support.delivery_attempts': 1,
    });
    // The ERP keeps the anonymous customer under its id (invoices), as anonymise says.
    const { rows: erp } = await w.ctx.erp.query<{ name: string; phone: string | null }>(
      `SELECT name, phone FROM kgc_erp.customers WHERE id = $1`,
      [TARGET.id],
    );
    expect(erp).toEqual([{ name: '[erased]', phone: null }]);
  });
});
