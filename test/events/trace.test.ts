/**
 * Tracing a notice end to end: a delivery carries a W3C traceparent continuing the
 * ERP's (from its outbox row, or its POST /api/events call: same trace id and flags,
 * a span of its own per attempt) and X-Request-Id, the request id of the call that
 * published it; without a trace to continue, the event starts one, kept on every
 * attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEvent } from '../../src/events/events.service.js';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { startReceiver, until, type Received, type TestReceiver } from '../helpers/receiver.js';
import { STORE_KINDS } from '../helpers/store.js';
import { fastEnv, SAMPLES, startTestDispatch, type TestDispatch } from '../helpers/webhooks.js';

const ERP_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ERP_SPAN = '00f067aa0ba902b7';
const W3C = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

const parts = (r: Received) => {
  const m = W3C.exec(String(r.headers.traceparent));
  if (!m) throw new Error(`no valid traceparent: ${String(r.headers.traceparent)}`);
  return { trace: m[1], span: m[2], flags: m[3] };
};

describe.each(STORE_KINDS)('traceparent and request id of deliveries on %s', (kind) => {
  let rx: TestReceiver;
  let t: TestApi;
  let d: TestDispatch;
  beforeAll(async () => {
    rx = await startReceiver();
    t = await createTestApi(kind, { env: fastEnv(rx.url) });
    d = await startTestDispatch(kind, {}, t.ts);
  });
  afterAll(async () => {
    await d?.close();
    await t?.close();
    await rx?.stop();
  });
  /** The first attempt at each event fails, the next succeeds. */
  const failFirst = (r: Received, status: number) =>
    deliveriesOf(String(r.headers['webhook-id'])).length <= 1 ? { status } : { status: 204 };
  const deliveriesOf = (id: string) => rx.deliveries.filter((r) => r.headers['webhook-id'] === id);
  const delivered = async (id: string, n = 1) => {
    await until(() => deliveriesOf(id).length >= n, 20_000, `delivery of ${id}`);
    return deliveriesOf(id);
  };

  it("continues the trace of the ERP's outbox row", async () => {
    await t.ctx.erp.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data, traceparent) VALUES ('trace-outbox', 'order.arrived', $1, $2)`,
      [JSON.stringify(SAMPLES['order.arrived']), `00-${ERP_TRACE}-${ERP_SPAN}-01`],
    );
    const [r] = await delivered('trace-outbox');
    if (!r) throw new Error('no delivery');
    expect(parts(r)).toEqual({
      trace: ERP_TRACE,
      span: expect.not.stringMatching(ERP_SPAN),
      flags: '01',
    });
    expect(r.headers['x-request-id']).toBeUndefined();
    // A malformed traceparent in the outbox does not travel: the event starts its own trace.
    await t.ctx.erp.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data, traceparent) VALUES ('trace-outbox-bad', 'order.arrived', $1, 'not-a-trace')`,
      [JSON.stringify(SAMPLES['order.arrived'])],
    );
    const [bad] = await delivered('trace-outbox-bad');
    if (!bad) throw new Error('no delivery');
    expect(parts(bad).trace).not.toBe(ERP_TRACE);
  });

  it("continues the trace of the ERP's HTTP call and names its request id; each attempt has its own span", async () => {
    rx.behaviour = (r) => failFirst(r, 500);
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: {
          ...bearer(t.keys.publish),
          traceparent: `00-${ERP_TRACE}-${ERP_SPAN}-00`,
          'x-request-id': 'erp-req-42',
        },
        payload: { id: 'trace-http', event: 'order.arrived', data: SAMPLES['order.arrived'] },
      });
      expect(res.statusCode).toBe(202);
      await until(async () => (await getEvent(t.ctx, 'trace-http')).status === 'delivered');
      const attempts = deliveriesOf('trace-http');
      expect(attempts).toHaveLength(2);
      const [a, b] = attempts.map(parts);
      expect([a?.trace, b?.trace, a?.flags]).toEqual([ERP_TRACE, ERP_TRACE, '00']);
      expect(a?.span).not.toBe(b?.span);
      expect(attempts.map((r) => r.headers['x-request-id'])).toEqual(['erp-req-42', 'erp-req-42']);
    } finally {
      rx.behaviour = () => ({ status: 204 });
    }
  });

  it('starts a trace for an event that came without one, the same on every attempt', async () => {
    rx.behaviour = (r) => failFirst(r, 503);
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: bearer(t.keys.publish),
        payload: { id: 'trace-none', event: 'order.arrived', data: SAMPLES['order.arrived'] },
      });
      expect(res.statusCode).toBe(202);
      await until(async () => (await getEvent(t.ctx, 'trace-none')).status === 'delivered');
      const [a, b] = deliveriesOf('trace-none').map(parts);
      expect(a?.trace).toBe(b?.trace);
      expect(a?.trace).not.toBe(ERP_TRACE);
      // The API's own request id (it made one) names the call.
      expect(deliveriesOf('trace-none')[0]?.headers['x-request-id']).toEqual(expect.any(String));
    } finally {
      rx.behaviour = () => ({ status: 204 });
    }
  });
});
