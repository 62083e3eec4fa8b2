/**
 * Group commit on the HTTP ingest: concurrent requests share statements, and each
 * still gets its own answer, a bad payload or a taken id failing only its request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestBatcher } from '../../src/events/ingest-batcher.js';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { STORE_KINDS } from '../helpers/store.js';
import { SAMPLES } from '../helpers/webhooks.js';

describe.each(STORE_KINDS)('batched ingest on %s', (kind) => {
  let t: TestApi;
  beforeAll(async () => {
    // The composed API batches concurrent publishes (IngestBatcher), as the daemon does.
    t = await createTestApi(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 300 concurrent publishes one by one: new, replayed, refused, conflicting', async () => {
    const post = (body: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: bearer(t.keys.publish),
        payload: body as object,
      });
    const order = SAMPLES['order.arrived'];
    const requests: { body: unknown; expect: number }[] = [];
    for (let i = 0; i < 200; i++)
      requests.push({
        body: { id: `batch-${i}`, event: 'order.arrived', data: order },
        expect: 202,
      });
    // The same event twice in flight: one 202, one 200 (which is which depends on order).
    for (let i = 0; i < 40; i++)
      requests.push({
        body: { id: `batch-${i}`, event: 'order.arrived', data: order },
        expect: 200,
      });
    for (let i = 0; i < 30; i++)
      requests.push({
        body: { id: `bad-${i}`, event: 'order.arrived', data: { ...order, tax_number: '123' } },
        expect: 400,
      });
    for (let i = 0; i < 30; i++)
      requests.push({
        body: {
          id: `batch-${100 + i}`,
          event: 'order.arrived',
          data: { ...order, order_id: 'O-OTHER' },
        },
        expect: 409,
      });
    const answers = await Promise.all(requests.map((r) => post(r.body)));
    const byCode = (code: number) => answers.filter((a) => a.statusCode === code).length;
    expect([byCode(202), byCode(200), byCode(400), byCode(409)]).toEqual([200, 40, 30, 30]);
    answers.forEach((a, i) => {
      const body = requests[i]?.body as { id: string };
      if (a.statusCode === 202 || a.statusCode === 200) expect(a.json().id).toBe(body.id);
    });
    const { rows } = await t.ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM kgc_support.events WHERE id LIKE 'batch-%' OR id LIKE 'bad-%'`,
    );
    expect(rows[0]?.n).toBe(200);
  });

  it('writes many requests per statement under load, and one alone at rest', async () => {
    let calls = 0;
    let events = 0;
    const ctx = {
      ...t.ctx,
      db: {
        ...t.ctx.db,
        query: ((sql: string, params?: readonly unknown[]) => {
          if (sql.includes('INSERT INTO kgc_support.events')) {
            calls++;
            events += (params?.[0] as unknown[]).length;
          }
          return t.ctx.db.query(sql, params);
        }) as typeof t.ctx.db.query,
      },
    };
    const batcher = new IngestBatcher(ctx, 'api');
    await batcher.publish({
      id: 'alone-1',
      event: 'order.arrived',
      data: SAMPLES['order.arrived'],
    });
    expect([calls, events]).toEqual([1, 1]);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        batcher.publish({
          id: `load-${i}`,
          event: 'order.arrived',
          data: SAMPLES['order.arrived'],
        }),
      ),
    );
    expect(events).toBe(101);
    expect(calls).toBeLessThanOrEqual(3);
  });
});
