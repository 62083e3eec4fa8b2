/**
 * The seed document's own payloads (3.1's JavaScript example, the 2.1 / 2.2 / 2.3
 * data-exchange JSON) are accepted on every publishing path (POST /api/events, the
 * outbox, the publish op) and reach Support in the closed form: customer_phone
 * becomes customer.phone (E.164) and customer.id when one ERP customer has it.
 * Fields that are neither form are still refused. Both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEvent, publishEvent } from '../../src/events/events.service.js';
import { drainOutbox } from '../../src/events/outbox.js';
import { normaliseSeedForm, seedFormPhones } from '../../src/events/seed-forms.js';
import { listDlq } from '../../src/webhooks/dlq.service.js';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { STORE_KINDS } from '../helpers/store.js';
import { fastEnv, startTestDispatch, type TestDispatch } from '../helpers/webhooks.js';

/** Seed 3.1: notifyCustomerOrderArrived's body, with the order's items. */
const SEED_3_1 = {
  order_id: 'O-2025-0456',
  customer_phone: '+36301234567',
  items: [{ sku: 'MAK-DGA452', name: 'Makita akkus fúró', quantity: 2 }],
};
/** Seed 2.1, verbatim. */
const SEED_2_1 = {
  rental_id: 'R-2025-001',
  customer_phone: '+36301234567',
  machine_name: 'Makita talajvágó',
  rental_start: '2025-12-28',
  rental_end: '2025-12-30',
  status: 'active',
  late_days: 0,
};
/** Seed 2.3, verbatim. */
const SEED_2_3 = {
  order_id: 'O-2025-0456',
  customer_phone: '+36301234567',
  items: [{ sku: 'MAK-DGA452', name: 'Makita akkus fúró', quantity: 2, status: 'beérkezett' }],
  notification_sent: true,
};
const KOVACS = { id: 'C-123', phone: '+36301234567' };
/** Seed 3.1: the ERP calls Support with X-API-Key: SUPPORT_API_KEY; so does every delivery. */
const SUPPORT_API_KEY = 'sk_seed31SupportApiKeyForTheWebhookTests0001';

describe('normaliseSeedForm (pure)', () => {
  const ids = new Map([['+36301234567', 'C-123']]);
  it('rewrites the 2.1 form into the closed one and leaves the closed form untouched', () => {
    expect(
      seedFormPhones('rental.started', { ...SEED_2_1, customer_phone: '06 30 123 4567' }),
    ).toEqual(['+36301234567']);
    expect(
      normaliseSeedForm('rental.started', { ...SEED_2_1, customer_phone: '06 30 123 4567' }, ids),
    ).toEqual({
      data: {
        rental_id: 'R-2025-001',
        customer: KOVACS,
        machine: { name: 'Makita talajvágó' },
        rental_start: '2025-12-28',
        rental_end: '2025-12-30',
        status: 'active',
      },
    });
    const closed = { order_id: 'O-1', customer: { id: 'C-1' }, items: [] };
    expect(normaliseSeedForm('order.arrived', closed, ids).data).toBe(closed);
  });
  it("keeps a phone no single customer has without an id, and the ERP's status as it came", () => {
    expect(
      normaliseSeedForm('order.arrived', { ...SEED_3_1, customer_phone: '+36209990000' }, ids).data,
    ).toMatchObject({ customer: { phone: '+36209990000' } });
    // The ERP's status of the rental is its own word, not a restatement of the event name.
    expect(
      normaliseSeedForm('rental.started', { ...SEED_2_1, status: 'kiadva' }, ids).data,
    ).toMatchObject({ status: 'kiadva' });
    expect(normaliseSeedForm('rental.started', { ...SEED_2_1, late_days: 3 }, ids).problem).toMatch(
      /late_days must be 0/,
    );
    expect(
      normaliseSeedForm('order.arrived', { ...SEED_3_1, customer: { id: 'C-9' } }, ids).problem,
    ).toMatch(/not both/);
    expect(
      normaliseSeedForm('order.arrived', { ...SEED_3_1, customer_phone: 'call me' }, ids).problem,
    ).toMatch(/customer_phone/);
  });
});

describe.each(STORE_KINDS)("the seed's payloads on %s", (kind) => {
  let rx: TestReceiver;
  let t: TestApi;
  let d: TestDispatch;
  beforeAll(async () => {
    rx = await startReceiver();
    t = await createTestApi(kind, { env: fastEnv(rx.url, { SUPPORT_API_KEY }) });
    d = await startTestDispatch(kind, {}, t.ts);
  });
  afterAll(async () => {
    await d?.close();
    await t?.close();
    await rx?.stop();
  });

  const post = (body: unknown) =>
    t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: bearer(t.keys.publish),
      payload: body as object,
    });
  const delivered = (id: string) => {
    const got = rx.deliveries.find((r) => JSON.parse(r.body).id === id);
    return got
      ? ({ path: got.path, apiKey: got.headers['x-api-key'], ...JSON.parse(got.body) } as {
          path: string;
          apiKey: string | undefined;
          event: string;
          data: Record<string, unknown>;
        })
      : undefined;
  };
  const waitDelivered = async (id: string) => {
    await until(() => delivered(id) !== undefined, 60_000, `delivery of ${id}`);
    return delivered(id) as NonNullable<ReturnType<typeof delivered>>;
  };

  it('accepts 3.1, 2.1 and 2.3 on POST /api/events and delivers them in the closed form', async () => {
    for (const [id, event, data] of [
      ['seed-3-1', 'order.arrived', SEED_3_1],
      ['seed-2-1', 'rental.started', SEED_2_1],
      ['seed-2-3', 'order.arrived', SEED_2_3],
    ] as const) {
      const res = await post({ id, event, data });
      expect([id, res.statusCode, res.json()]).toEqual([
        id,
        202,
        expect.objectContaining({ id, status: 'pending' }),
      ]);
    }
    expect(await waitDelivered('seed-3-1')).toMatchObject({
      path: '/webhook/kgc/order-arrived',
      data: { order_id: 'O-2025-0456', customer: KOVACS, items: SEED_3_1.items },
    });
    const rental = await waitDelivered('seed-2-1');
    expect(rental.apiKey).toBe(SUPPORT_API_KEY);
    expect(rental.data).toEqual({
      rental_id: 'R-2025-001',
      customer: KOVACS,
      machine: { name: 'Makita talajvágó' },
      rental_start: '2025-12-28',
      rental_end: '2025-12-30',
      status: 'active',
    });
    const order = await waitDelivered('seed-2-3');
    expect(order.data).toEqual({
      order_id: 'O-2025-0456',
      customer: KOVACS,
      items: SEED_2_3.items,
    });
    // The same seed payload again is the same event (it was stored normalised).
    const again = await post({ id: 'seed-2-3', event: 'order.arrived', data: SEED_2_3 });
    expect([again.statusCode, again.headers['idempotent-replayed']]).toEqual([200, 'true']);
  });

  it('normalises the outbox the same way (NOTIFY or the drain moves it): a typed phone, and a customer no ERP row has', async () => {
    await t.ctx.db.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ('seed-outbox-2-1', 'rental.started', $1), ('seed-outbox-x', 'order.arrived', $2)`,
      [
        JSON.stringify({ ...SEED_2_1, customer_phone: '06 30 111 2233' }),
        JSON.stringify({ ...SEED_3_1, customer_phone: '+36 20 999 0000' }),
      ],
    );
    await drainOutbox(t.ctx); // the dispatcher may have moved them already: either way they go once
    expect((await waitDelivered('seed-outbox-2-1')).data.customer).toEqual({
      id: 'C-124',
      phone: '+36301112233',
    });
    expect((await waitDelivered('seed-outbox-x')).data.customer).toEqual({ phone: '+36209990000' });
  });

  it("accepts the 2.2 form through the publish op (the CLI's path)", async () => {
    const r = await publishEvent(
      t.ctx,
      {
        id: 'seed-2-2',
        event: 'service.repair_done',
        data: {
          worklog_id: 'M-2025-0123',
          customer_phone: '+36309876543',
          machine_type: 'Láncfűrész',
          status: 'kész',
          quote_amount: 15000,
          pickup_info: { location_id: 'BP-01' },
        },
      },
      'cli',
    );
    expect(r.event.status).toBe('pending');
    expect((await waitDelivered('seed-2-2')).data).toEqual({
      worklog_id: 'M-2025-0123',
      customer: { id: 'C-456', phone: '+36309876543' },
      machine: 'Láncfűrész',
      status: 'kész',
      quote_amount: 15000,
      pickup_info: { location_id: 'BP-01' },
    });
  });

  it('accepts the 2.2 data-exchange example as written: its status (diagnosztika) and day-only estimated_completion kept', async () => {
    const r = await publishEvent(
      t.ctx,
      {
        id: 'seed-2-2-quote',
        event: 'service.quote_ready',
        data: {
          worklog_id: 'M-2025-0123',
          customer_phone: '+36309876543',
          machine_type: 'Fűnyíró',
          status: 'diagnosztika',
          estimated_completion: '2025-12-30',
          quote_amount: 15000,
          technician_notes: 'Gyújtógyertya csere szükséges',
        },
      },
      'cli',
    );
    expect(r.event.status).toBe('pending');
    expect((await waitDelivered('seed-2-2-quote')).data).toEqual({
      worklog_id: 'M-2025-0123',
      customer: { id: 'C-456', phone: '+36309876543' },
      machine: 'Fűnyíró',
      status: 'diagnosztika',
      estimated_completion: '2025-12-30',
      quote_amount: 15000,
      technician_notes: 'Gyújtógyertya csere szükséges',
    });
    // A day that is not a day, or a time without a zone, is still refused.
    for (const bad of ['2025-12-3', '30/12/2025', '2025-12-30T17:00']) {
      await expect(
        publishEvent(
          t.ctx,
          {
            id: `seed-2-2-bad-${bad.length}`,
            event: 'service.quote_ready',
            data: {
              worklog_id: 'M-1',
              customer: { id: 'C-456' },
              quote_amount: 1,
              estimated_completion: bad,
            },
          },
          'cli',
        ),
      ).rejects.toMatchObject({ code: 'invalid_event' });
    }
  });

  it('still refuses a field that is neither form, on the API and in the outbox', async () => {
    const leak = await post({
      event: 'order.arrived',
      data: { ...SEED_3_1, customer_tax_number: '8412345678' },
    });
    expect([leak.statusCode, leak.json().code]).toEqual([400, 'invalid_event']);
    expect(leak.json().detail).toMatch(/data minimisation/);
    const both = await post({ event: 'order.arrived', data: { ...SEED_3_1, customer: KOVACS } });
    expect([both.statusCode, both.json().detail]).toEqual([400, expect.stringMatching(/not both/)]);
    await t.ctx.db.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ('seed-outbox-leak', 'rental.started', $1)`,
      [JSON.stringify({ ...SEED_2_1, id_card_number: '123456AB' })],
    );
    await drainOutbox(t.ctx);
    await until(
      async () =>
        (await getEvent(t.ctx, 'seed-outbox-leak').catch(() => undefined))?.status === 'rejected',
      60_000,
      'the leaking outbox row stored as rejected',
    );
    expect((await listDlq(t.ctx, {})).find((e) => e.id === 'seed-outbox-leak')?.last_error).toMatch(
      /data minimisation/,
    );
    expect(
      rx.deliveries.filter((r) => r.body.includes('8412345678') || r.body.includes('123456AB')),
    ).toEqual([]);
  });
});
