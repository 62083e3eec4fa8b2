/**
 * Delivery against real HTTP receivers on 127.0.0.1, on both engines: the seed's
 * Python receiver and the Standard Webhooks library accept every delivery; a
 * receiver that fails then succeeds, one that always fails (dead, then replayed),
 * one that goes away and comes back, and a disabled module.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/events/catalogue.js';
import { getEvent, getEventDetail, publishEvent } from '../../src/events/events.service.js';
import { setSwitch } from '../../src/plugin/plugin.service.js';
import { replayDlq } from '../../src/webhooks/dlq.service.js';
import { createSigner } from '../../src/webhooks/signature.js';
import { startDispatcher } from '../../src/webhooks/dispatcher.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { startSeedReceiver } from '../helpers/seed-receiver.js';
import { createTestStore, STORE_KINDS, type TestStore } from '../helpers/store.js';
import {
  fastEnv,
  SAMPLES,
  SECRET,
  startTestDispatch,
  type TestDispatch,
} from '../helpers/webhooks.js';

describe.each(STORE_KINDS)('webhook delivery on %s', (kind) => {
  let ts: TestStore;
  let rx: TestReceiver;
  let d: TestDispatch | undefined;
  beforeAll(async () => {
    rx = await startReceiver();
    ts = await createTestStore(kind, { env: fastEnv(rx.url) });
  });
  afterEach(async () => {
    await d?.close();
    d = undefined;
    rx.behaviour = () => ({ status: 204 });
    rx.received.length = 0;
    await setSwitch(ts.ctx, true);
  });
  afterAll(async () => {
    await rx?.stop();
    await ts?.close();
  });

  const publishAll = async (n = 1) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      for (const type of EVENT_TYPES)
        ids.push((await publishEvent(ts.ctx, { event: type, data: SAMPLES[type] })).event.id);
    }
    return ids;
  };
  const status = async (id: string) => (await getEvent(ts.ctx, id)).status;

  it("the seed's Python validate_webhook accepts every delivery, and refuses a changed byte or a stale timestamp", async () => {
    const py = await startSeedReceiver(SECRET);
    try {
      const pyStore = await createTestStore(kind, { env: fastEnv(py.url) });
      const pd = await startTestDispatch(kind, {}, pyStore);
      try {
        const ids: string[] = [];
        for (const type of EVENT_TYPES)
          ids.push(
            (await publishEvent(pyStore.ctx, { event: type, data: SAMPLES[type] })).event.id,
          );
        await until(
          async () =>
            (await Promise.all(ids.map((id) => getEvent(pyStore.ctx, id)))).every(
              (e) => e.status === 'delivered',
            ),
          20_000,
          'deliveries to Python',
        );
        // The receiver's log line can trail its 2xx: wait for it rather than race it.
        await until(
          async () => py.lines.filter((l) => l.startsWith('ok ')).length >= EVENT_TYPES.length,
          20_000,
          'the Python log lines',
        ).catch((err: Error) => {
          throw new Error(`${err.message}; it printed: ${JSON.stringify(py.lines)}`);
        });
        expect(py.lines.filter((l) => l.startsWith('ok '))).toHaveLength(EVENT_TYPES.length);
        expect(py.lines.some((l) => l.startsWith('bad'))).toBe(false);
        expect(py.lines.map((l) => l.split(' ')[1]).sort()).toEqual([
          '/webhook/kgc/customer-deleted',
          '/webhook/kgc/order-arrived',
          '/webhook/kgc/quote-ready',
          '/webhook/kgc/rental-ended',
          '/webhook/kgc/rental-started',
          '/webhook/kgc/repair-done',
        ]);
      } finally {
        await pd.close();
        await pyStore.close();
      }
      // The same receiver refuses a body changed by one byte, and a timestamp older than 5 minutes.
      const body =
        '{"id":"evt_x","event":"order.arrived","occurred_at":"2025-12-28T10:00:00.000Z","data":{"order_id":"O-2025-0456"}}';
      const now = Math.floor(Date.now() / 1000);
      const post = (b: string, ts0: number) =>
        fetch(`${py.url}/webhook/kgc/order-arrived`, {
          method: 'POST',
          headers: createSigner([SECRET]).headers('evt_x', body, ts0),
          body: b,
        });
      expect((await post(body, now)).status).toBe(204);
      expect((await post(body.replace('0456', '0457'), now)).status).toBe(401);
      expect((await post(body, now - 301)).status).toBe(401);
    } finally {
      py.proc.kill();
    }
  });

  it('signs so that the standardwebhooks library verifies every delivery; webhook-id is the event id', async () => {
    d = await startTestDispatch(kind, {}, ts);
    const ids = await publishAll();
    await rx.waitFor(ids.length);
    const wh = new Webhook(SECRET);
    for (const r of rx.deliveries) {
      const parsed = wh.verify(r.body, r.headers as Record<string, string>) as {
        id: string;
        event: string;
        data: unknown;
        occurred_at: string;
      };
      expect(r.headers['webhook-id']).toBe(parsed.id);
      // No SUPPORT_API_KEY here: no X-API-Key (test/events/seed-forms.test.ts sends one).
      expect(r.headers['x-api-key']).toBeUndefined();
      expect(Number(r.headers['x-kgc-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60); // seconds, not milliseconds
      expect(Number(r.headers['x-kgc-timestamp'])).toBeLessThan(Date.now() / 1000 + 60);
      expect(Object.keys(parsed)).toEqual(['id', 'event', 'occurred_at', 'data']);
    }
    expect(new Set(rx.deliveries.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
  });

  it('fail then succeed: delivered once, both attempts recorded', async () => {
    rx.behaviour = (_r, nth) =>
      nth === 1 ? { status: 500, body: 'database is restarting' } : { status: 204 };
    d = await startTestDispatch(kind, {}, ts);
    const { event } = await publishEvent(ts.ctx, {
      event: 'order.arrived',
      data: SAMPLES['order.arrived'],
    });
    await until(async () => (await status(event.id)) === 'delivered', 10_000, 'delivery');
    await d.dispatcher.waitIdle(); // nothing more will be sent
    expect(rx.deliveries).toHaveLength(2);
    expect(rx.deliveries.map((r) => r.headers['webhook-id'])).toEqual([event.id, event.id]);
    const detail = await getEventDetail(ts.ctx, event.id);
    expect(detail.history.map((a) => [a.attempt, a.outcome, a.status])).toEqual([
      [1, 'retry', 500],
      [2, 'delivered', 204],
    ]);
    expect(detail.history[0]?.response).toBe('database is restarting');
    expect(detail.event).toMatchObject({ status: 'delivered', attempts: 2, failures: 1 });
  });

  it('always failing: dead-lettered after the configured attempts, delivered once replayed after the fix', async () => {
    rx.behaviour = () => ({ status: 502 });
    d = await startTestDispatch(kind, {}, ts);
    const { event } = await publishEvent(ts.ctx, {
      event: 'service.repair_done',
      data: SAMPLES['service.repair_done'],
    });
    await until(async () => (await status(event.id)) === 'dead', 10_000, 'dead letter');
    expect(rx.deliveries).toHaveLength(3); // schedule 0,50ms,50ms: three attempts
    rx.behaviour = () => ({ status: 200 });
    const replay = await replayDlq(ts.ctx, { ids: [event.id] });
    expect(replay.replayed).toEqual([event.id]);
    d.dispatcher.wake();
    await until(async () => (await status(event.id)) === 'delivered', 10_000, 'replayed delivery');
    expect(rx.deliveries.map((r) => r.headers['webhook-id'])).toEqual(Array(4).fill(event.id));
    const again = await replayDlq(ts.ctx, { ids: [event.id] });
    expect(again).toMatchObject({
      replayed: [],
      skipped: [{ id: event.id, reason: 'already delivered' }],
    });
  });

  it('410 Gone ends the retries; Retry-After is honoured on 429', async () => {
    rx.behaviour = (r) =>
      r.path.endsWith('rental-ended')
        ? { status: 410 }
        : rx.deliveries.length === 2
          ? { status: 429, headers: { 'retry-after': '1' } }
          : { status: 204 };
    d = await startTestDispatch(kind, {}, ts);
    const gone = (
      await publishEvent(ts.ctx, { event: 'rental.ended', data: SAMPLES['rental.ended'] })
    ).event.id;
    await until(async () => (await status(gone)) === 'dead', 10_000, '410 dead');
    expect(rx.deliveries).toHaveLength(1);
    const slow = (
      await publishEvent(ts.ctx, { event: 'rental.started', data: SAMPLES['rental.started'] })
    ).event.id;
    await until(
      async () => (await status(slow)) === 'delivered',
      10_000,
      'delivery after Retry-After',
    );
    const times = rx.deliveries.filter((r) => r.headers['webhook-id'] === slow).map((r) => r.at);
    expect(times).toHaveLength(2);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(950);
  });

  it("an answer that never comes times out per attempt; Support's /health answers, so it counts as a failure", async () => {
    rx.behaviour = () => ({ hang: true });
    const dispatcher = await startDispatcher({
      ctx: { ...ts.ctx, config: { ...ts.config, webhookTimeoutMs: 300, webhookLeaseMs: 2_000 } },
      enabled: () => true,
    });
    try {
      const { event } = await publishEvent(ts.ctx, {
        event: 'service.quote_ready',
        data: SAMPLES['service.quote_ready'],
      });
      await until(async () => (await status(event.id)) === 'dead', 10_000, 'dead after timeouts');
      const detail = await getEventDetail(ts.ctx, event.id);
      expect(detail.history.map((a) => [a.outcome, a.status, a.error])).toEqual([
        ['retry', null, 'timeout'],
        ['retry', null, 'timeout'],
        ['dead', null, 'timeout'],
      ]);
      for (const a of detail.history) expect(a.duration_ms).toBeGreaterThanOrEqual(250);
    } finally {
      await dispatcher.close();
    }
  });

  it('Support away for a while: nothing dead-lettered, everything delivered on its return', async () => {
    d = await startTestDispatch(kind, {}, ts);
    await rx.stop();
    const ids = await publishAll(3);
    await until(() => d?.dispatcher.held === true, 10_000, 'the breaker to open');
    // Five failed probes 100 ms apart: far longer than the whole retry schedule (0, 50 ms, 50 ms).
    let failedProbes = 0;
    const off = d.dispatcher.on('probe', (up) => (failedProbes += up ? 0 : 1));
    await until(() => failedProbes >= 5, 10_000, 'five failed probes of /health');
    off();
    for (const id of ids) expect(await status(id)).toBe('pending');
    await rx.start();
    await until(
      async () => (await Promise.all(ids.map(status))).every((s) => s === 'delivered'),
      20_000,
      'delivery after the outage',
    );
    expect(new Set(rx.deliveries.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
    const held = await getEventDetail(ts.ctx, ids[0] as string);
    expect(held.event.failures).toBe(0);
    expect(held.history.at(-1)?.outcome).toBe('delivered');
  });

  it('module disabled: events stored as skipped, nothing sent, not later either', async () => {
    d = await startTestDispatch(kind, {}, ts);
    await setSwitch(ts.ctx, false);
    d.module.enabled = false;
    const ids = await publishAll();
    await ts.ctx.db.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ('outbox-while-off', 'customer.deleted', $1)`,
      [JSON.stringify(SAMPLES['customer.deleted'])],
    );
    await until(
      async () =>
        (await getEvent(ts.ctx, 'outbox-while-off').catch(() => undefined))?.status === 'skipped',
      20_000,
      'the outbox row recorded as skipped',
    );
    ids.push('outbox-while-off');
    for (const id of ids) expect(await status(id)).toBe('skipped');
    await setSwitch(ts.ctx, true);
    d.module.enabled = true;
    await d.dispatcher.waitIdle(); // it looked for work with the module on, and found none
    expect(rx.deliveries).toHaveLength(0);
    for (const id of ids) expect(await status(id)).toBe('skipped');
  });
});
