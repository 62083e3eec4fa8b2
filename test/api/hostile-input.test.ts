/**
 * One caller's bad input never fails another's. PostgreSQL refuses a NUL character
 * (`\u0000`) and a lone UTF-16 surrogate in jsonb and text: before the edge refused
 * them, one such event failed the whole group-commit statement, so the valid events
 * of other callers in the same batch got 500; `%00` in a query or path reached the
 * database and gave 500 too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestBatcher } from '../../src/events/ingest-batcher.js';
import { publishEvent } from '../../src/events/events.service.js';
import { drainOutbox } from '../../src/events/outbox.js';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { STORE_KINDS } from '../helpers/store.js';
import { SAMPLES } from '../helpers/webhooks.js';

const order = SAMPLES['order.arrived'] as { items: Record<string, unknown>[] } & Record<
  string,
  unknown
>;
/** The order with the name of its first item (free text in the schema) replaced. */
const withItemName = (name: string) => ({ ...order, items: [{ ...order.items[0], name }] });

/** Hostile payloads and the field each must be named by. */
const HOSTILE: { label: string; data: Record<string, unknown>; field: string }[] = [
  { label: 'a NUL in a string', data: withItemName('A\u0000B'), field: 'data.items[0].name' },
  { label: 'a lone high surrogate', data: withItemName('x\uD800'), field: 'data.items[0].name' },
  { label: 'a lone low surrogate', data: withItemName('\uDC00y'), field: 'data.items[0].name' },
];

describe.each(STORE_KINDS)('hostile input on %s', (kind) => {
  let t: TestApi;
  beforeAll(async () => {
    // The composed API batches concurrent publishes (IngestBatcher), as the daemon does.
    t = await createTestApi(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (body: unknown) =>
    t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { ...bearer(t.keys.publish), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it.each(HOSTILE)(
    'concurrent valid events all succeed beside $label, which alone gets 400 naming the field',
    async ({ label, data, field }) => {
      const tag = label.replace(/\W+/g, '-');
      const valid = Array.from({ length: 20 }, (_, i) => ({
        id: `ok-${tag}-${i}`,
        event: 'order.arrived',
        data: order,
      }));
      const hostile = { id: `hostile-${tag}`, event: 'order.arrived', data };
      // The hostile one in the middle, so that it shares a statement with valid ones.
      const bodies = [...valid.slice(0, 10), hostile, ...valid.slice(10)];
      const answers = await Promise.all(bodies.map((b) => post(b)));
      const codes = answers.map((a) => a.statusCode);
      expect(codes.filter((c) => c === 202).length, `codes: ${codes.join(',')}`).toBe(20);
      const bad = answers[10];
      expect(bad?.statusCode).toBe(400);
      expect(bad?.json()).toMatchObject({ code: 'invalid_event' });
      expect(bad?.json().detail).toContain(field);
      const { rows } = await t.ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM kgc_support.events WHERE id LIKE $1`,
        [`ok-${tag}-%`],
      );
      expect(rows[0]?.n).toBe(20);
    },
  );

  it("the batcher isolates a row the database refuses: the other callers' rows are stored", async () => {
    // A real refusal by the database for one row only, past the edge's checks.
    await t.ctx.db.exec(
      `ALTER TABLE kgc_support.events ADD CONSTRAINT test_poison CHECK (id <> 'iso-bad')`,
    );
    try {
      const raw = new IngestBatcher(t.ctx, 'api');
      const results = await Promise.allSettled(
        ['iso-ok-1', 'iso-bad', 'iso-ok-2', 'iso-ok-3'].map((id) =>
          raw.publish({ id, event: 'order.arrived', data: order }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      const { rows } = await t.ctx.db.query<{ id: string }>(
        `SELECT id FROM kgc_support.events WHERE id LIKE 'iso-%' ORDER BY id`,
      );
      expect(rows.map((r) => r.id)).toEqual(['iso-ok-1', 'iso-ok-2', 'iso-ok-3']);
    } finally {
      await t.ctx.db.exec(`ALTER TABLE kgc_support.events DROP CONSTRAINT test_poison`);
    }
  });

  it('`events publish` (the service) refuses the same input with invalid_event', async () => {
    await expect(
      publishEvent(t.ctx, { event: 'order.arrived', data: withItemName('A\u0000B') }, 'cli'),
    ).rejects.toMatchObject({ code: 'invalid_event' });
  });

  it('an outbox row keeps escaped text as it is: only what cannot be stored is refused', async () => {
    // jsonb itself refuses a NUL or a lone surrogate, so the outbox cannot hold one;
    // the six characters of an escape written as text are ordinary and must pass.
    await t.ctx.erp.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ('outbox-escaped', 'order.arrived', $1::jsonb)`,
      [JSON.stringify(withItemName('back\\u0000slash \\ud800'))],
    );
    const { inserted } = await drainOutbox(t.ctx);
    expect(inserted.find((r) => r.id === 'outbox-escaped')?.status).toBe('pending');
  });

  it.each([
    '/api/customers/duplicates?name=ab%00cd',
    '/api/customers/duplicates?phone=%00',
    '/api/customers/by-phone/%2B3630%00123',
    '/api/inventory/check?sku=SKU%00',
    '/api/orders/O%00/status',
    '/api/events/evt%00',
    '/api/inventory/check?sku=%ED%B0%80', // a lone surrogate, UTF-8 encoded
    '/api/orders/O%ED%A0%80/status',
  ])('GET %s is 400, not 500', async (url) => {
    const key = url.startsWith('/api/events') ? t.keys.publish : t.keys.read;
    const res = await t.app.inject({ method: 'GET', url, headers: bearer(key) });
    expect(res.statusCode, res.body).toBe(400);
  });

  it.each([
    '/api/customers/duplicates?name=ab%ED%A0%80cd', // a lone surrogate, UTF-8 encoded
    '/api/customers/duplicates?name=ab%FF%FEcd', // not UTF-8 at all
  ])(
    'GET %s is answered without a 5xx (the query keeps what it cannot decode as written)',
    async (url) => {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer(t.keys.read) });
      expect(res.statusCode, res.body).toBeLessThan(500);
    },
  );
});
