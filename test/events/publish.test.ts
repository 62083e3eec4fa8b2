/**
 * The three ways in, on both engines: POST /api/events (scope erp:publish, one
 * event per id, not gated by the module switch), the ERP's outbox table (an INSERT
 * in the ERP's own transaction; the trigger's NOTIFY wakes the dispatcher), and
 * the op. With PostgreSQL, an outbox in a separate ERP database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEvent, getEventDetail, publishEvent } from '../../src/events/events.service.js';
import { drainOutbox } from '../../src/events/outbox.js';
import { setSwitch } from '../../src/plugin/plugin.service.js';
import { onChange } from '../../src/store/changes.js';
import { listDlq } from '../../src/webhooks/dlq.service.js';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { createDatabase } from '../helpers/pg.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { createTestStore, STORE_KINDS } from '../helpers/store.js';
import { fastEnv, SAMPLES, startTestDispatch } from '../helpers/webhooks.js';

describe.each(STORE_KINDS)('publishing events on %s', (kind) => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (body: unknown, key = t.keys.publish) =>
    t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: bearer(key),
      payload: body as object,
    });

  it('a publish that stores a pending event sends one change notification; a skipped one none', async () => {
    const heard: string[] = [];
    const unlisten = await onChange(t.ctx.db, (topic, detail) => heard.push(`${topic}:${detail}`));
    try {
      await publishEvent(t.ctx, { event: 'order.arrived', data: SAMPLES['order.arrived'] });
      await until(() => heard.length > 0, 5_000, 'the NOTIFY of a pending event');
      expect(heard).toEqual(['events:new']);
      await setSwitch(t.ctx, false);
      heard.length = 0;
      await publishEvent(t.ctx, { event: 'order.arrived', data: SAMPLES['order.arrived'] });
      await setSwitch(t.ctx, true);
      // The switch's own notifications arrive after the skipped publish's would have.
      await until(() => heard.includes('plugin:module:enabled'), 5_000, 'the switch back on');
      expect(heard.filter((h) => h.startsWith('events'))).toEqual([]);
    } finally {
      await unlisten();
    }
  });

  it('POST /api/events: 202 the first time, 200 with the same event on a replay, 409 for another event under the id', async () => {
    const body = {
      id: 'erp-ord-0456-arrived',
      event: 'order.arrived',
      occurred_at: '2025-12-28T10:15:00+01:00',
      data: SAMPLES['order.arrived'],
    };
    const first = await post(body);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({
      id: 'erp-ord-0456-arrived',
      event: 'order.arrived',
      status: 'pending',
      source: 'api',
      occurred_at: '2025-12-28T09:15:00.000Z',
    });
    expect(first.headers.location).toBe('/api/events/erp-ord-0456-arrived');
    const again = await post({ ...body, data: { ...SAMPLES['order.arrived'] } });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe('erp-ord-0456-arrived');
    const other = await post({
      ...body,
      data: { ...SAMPLES['order.arrived'], order_id: 'O-2025-0999' },
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('event_id_conflict');
    const got = await t.app.inject({
      method: 'GET',
      url: '/api/events/erp-ord-0456-arrived',
      headers: bearer(t.keys.publish),
    });
    expect(got.json()).toMatchObject({ id: 'erp-ord-0456-arrived', status: 'pending' });
  });

  it('refuses unknown types, payloads off their schema and fields that must never leave the ERP', async () => {
    expect((await post({ event: 'order.lost', data: {} })).json().code).toBe('unknown_event_type');
    const missing = await post({
      event: 'service.quote_ready',
      data: { worklog_id: 'M-2025-0123', customer: { id: 'C-456' } },
    });
    expect([missing.statusCode, missing.json().code]).toEqual([400, 'invalid_event']);
    const leak = await post({
      event: 'customer.deleted',
      data: { customer_id: 'C-123', gdpr_reason: 'user_request', name: 'Kovács János' },
    });
    expect([leak.statusCode, leak.json().code]).toEqual([400, 'invalid_event']);
    expect(leak.json().detail).toMatch(/data minimisation/);
    const tax = await post({
      event: 'rental.started',
      data: { ...SAMPLES['rental.started'], customer: { id: 'C-123', tax_number: '8412345678' } },
    });
    expect(tax.json().code).toBe('invalid_event');
  });

  it('needs erp:publish, and is not gated by the module switch (events are stored as skipped instead)', async () => {
    expect(
      (await post({ event: 'customer.deleted', data: SAMPLES['customer.deleted'] }, t.keys.read))
        .statusCode,
    ).toBe(403);
    t.module.enabled = false;
    await setSwitch(t.ctx, false);
    try {
      const res = await post({ event: 'customer.deleted', data: SAMPLES['customer.deleted'] });
      expect([res.statusCode, res.json().status]).toEqual([202, 'skipped']);
    } finally {
      t.module.enabled = true;
      await setSwitch(t.ctx, true);
    }
  });

  it('moves the outbox into the store; a row off its schema is rejected into the DLQ with its data kept', async () => {
    await t.ctx.db.query(
      `INSERT INTO kgc_erp.support_outbox (event, data) VALUES ('rental.started', $1), ('order.arrived', '{"order_id":"O-1","tax_number":"x"}')`,
      [JSON.stringify(SAMPLES['rental.started'])],
    );
    const { moved, inserted } = await drainOutbox(t.ctx);
    expect(moved).toBe(2);
    expect(inserted.map((r) => [r.type, r.status]).sort()).toEqual([
      ['order.arrived', 'rejected'],
      ['rental.started', 'pending'],
    ]);
    const rejected = (await listDlq(t.ctx, {})).find((e) => e.status === 'rejected');
    expect(rejected?.last_error).toMatch(/^rejected: order\.arrived/);
    // The ERP's own data: kept for a replay after a fix (never sent while it fails).
    expect((await getEventDetail(t.ctx, rejected?.id ?? '')).data).toEqual({
      order_id: 'O-1',
      tax_number: 'x',
    });
    expect(
      (await t.ctx.db.query(`SELECT count(*)::int AS n FROM kgc_erp.support_outbox`)).rows[0],
    ).toEqual({ n: 0 });
    expect((await drainOutbox(t.ctx)).moved).toBe(0);
  });
});

describe.each(STORE_KINDS)('the outbox wakes the dispatcher on %s', (kind) => {
  let rx: TestReceiver;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx?.stop();
  });

  it('an INSERT in an ERP transaction is delivered without waiting for the poll', async () => {
    const ts = await createTestStore(kind, {
      env: fastEnv(rx.url, { KGC_SUPPORT_WEBHOOK_POLL: '60s' }),
    });
    const d = await startTestDispatch(kind, {}, ts);
    try {
      await d.dispatcher.waitIdle(); // past the first drain at start
      const started = Date.now();
      await ts.ctx.db.tx(async (q) => {
        await q.query(
          `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ('erp-tx-1', 'service.repair_done', $1)`,
          [JSON.stringify(SAMPLES['service.repair_done'])],
        );
      });
      // The poll is 60 s: a delivery well before it came from the notification.
      await rx.waitFor(1, 20_000);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(rx.deliveries[0]?.headers['webhook-id']).toBe('erp-tx-1');
      await until(
        async () => (await getEvent(ts.ctx, 'erp-tx-1')).status === 'delivered',
        20_000,
        'settled',
      );
    } finally {
      await d.close();
      await ts.close();
    }
  });
});

describe('an outbox in a separate ERP database (PostgreSQL)', () => {
  it('is created there, drained into the daemon store, and woken by LISTEN on the ERP database', async () => {
    const rx = await startReceiver();
    const erp = await createDatabase('kgc_erp_t');
    const ts = await createTestStore('postgres', {
      env: fastEnv(rx.url, { ERP_DATABASE_URL: erp.url, KGC_SUPPORT_WEBHOOK_POLL: '60s' }),
    });
    const d = await startTestDispatch('postgres', {}, ts);
    try {
      expect(ts.ctx.erp).not.toBe(ts.ctx.db);
      await d.dispatcher.waitIdle(); // past the first drain at start
      await ts.ctx.erp.tx(async (q) => {
        await q.query(
          `INSERT INTO kgc_erp.support_outbox (event, data) VALUES ('customer.deleted', $1)`,
          [JSON.stringify(SAMPLES['customer.deleted'])],
        );
      });
      await rx.waitFor(1, 20_000);
      const id = rx.deliveries[0]?.headers['webhook-id'] as string;
      expect(id).toMatch(/^evt_[0-9a-f]{32}$/);
      await until(
        async () => (await getEvent(ts.ctx, id)).status === 'delivered',
        20_000,
        'settled',
      );
      expect(
        (await ts.ctx.erp.query(`SELECT count(*)::int AS n FROM kgc_erp.support_outbox`)).rows[0],
      ).toEqual({ n: 0 });
      // The same event id published again (a crash between the two databases) stays one event.
      const again = await publishEvent(ts.ctx, {
        id,
        event: 'customer.deleted',
        data: SAMPLES['customer.deleted'],
      });
      expect(again.replayed).toBe(true);
    } finally {
      await d.close();
      await ts.close();
      await erp.drop();
      await rx.stop();
    }
  });
});
