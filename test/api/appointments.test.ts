/**
 * Booking: one slot can never be booked twice, whatever the concurrency;
 * Idempotency-Key replays the first outcome; bad input changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/context/clock.js';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { STORE_KINDS } from '../helpers/store.js';

// Monday 2030-01-07, Budapest (UTC+1 in winter).
const NOW = Date.parse('2030-01-02T10:00:00Z');
const slot = (hhmm: string, day = '2030-01-07') => `${day}T${hhmm}:00+01:00`;

describe.each(STORE_KINDS)('appointments on %s', (kind) => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi(kind, { clock: manualClock(NOW) });
  });
  afterAll(async () => {
    await t?.close();
  });

  const book = (payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/service/appointments',
      headers: { ...bearer(t.keys.appointments), ...headers },
      payload: payload as object,
    });
  const count = async () =>
    Number(
      (await t.ctx.erp.query<{ n: number }>('SELECT count(*)::int AS n FROM kgc_erp.appointments'))
        .rows[0]?.n,
    );
  const idemCount = async () =>
    Number(
      (
        await t.ctx.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM kgc_support.idempotency',
        )
      ).rows[0]?.n,
    );

  it('books a free slot for a known customer', async () => {
    const res = await book({
      location_id: 'BP-01',
      slot_start: slot('09:00'),
      customer_id: 'C-456',
      worklog_id: 'M-2025-0123',
      note: 'Lánc csere',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      location_id: 'BP-01',
      slot_start: '2030-01-07T08:00:00Z',
      slot_end: '2030-01-07T08:30:00Z',
      status: 'booked',
      customer_id: 'C-456',
    });
    expect(res.json().appointment_id).toMatch(/^A-2030-\d{6}$/);
    expect(res.headers.location).toBe(`/api/service/appointments/${res.json().appointment_id}`);
  });

  it('links a booking by phone to the one customer with that number', async () => {
    const res = await book({
      location_id: 'BP-01',
      slot_start: slot('09:30'),
      customer_phone: '06 30 123 4567',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().customer_id).toBe('C-123');
  });

  it('gives a slot to exactly one of 50 concurrent bookings', async () => {
    const before = await count();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        book({
          location_id: 'BP-01',
          slot_start: slot('10:00'),
          customer_phone: `+3630${String(1000000 + i)}`,
          customer_name: `Vevő ${i}`,
        }),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(results.find((r) => r.statusCode === 409)?.json().code).toBe('slot_taken');
    expect(await count()).toBe(before + 1);
  });

  it('replays the first outcome for a retried Idempotency-Key, even when retries race', async () => {
    const payload = {
      location_id: 'DEB-01',
      slot_start: slot('08:00', '2030-01-12'),
      customer_id: 'C-501',
    };
    const key = 'b1f0c3e2-idem-1';
    const before = await count();
    const first = await Promise.all([
      book(payload, { 'idempotency-key': key }),
      book(payload, { 'idempotency-key': key }),
      book(payload, { 'idempotency-key': key }),
    ]);
    for (const r of first) expect(r.statusCode).toBe(201);
    const ids = new Set(first.map((r) => r.json().appointment_id));
    expect(ids.size).toBe(1);
    const again = await book(payload, { 'idempotency-key': key });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().appointment_id).toBe([...ids][0]);
    expect(await count()).toBe(before + 1);
    const other = await book(
      { ...payload, slot_start: slot('08:30', '2030-01-12') },
      { 'idempotency-key': key },
    );
    expect([other.statusCode, other.json().code]).toEqual([422, 'idempotency_key_reused']);
    expect(await count()).toBe(before + 1);
  });

  it("replays a slot_taken outcome too, so a retry never books behind the caller's back", async () => {
    const payload = { location_id: 'BP-01', slot_start: slot('10:00'), customer_id: 'C-505' };
    const first = await book(payload, { 'idempotency-key': 'taken-1' });
    expect(first.statusCode).toBe(409);
    await t.ctx.erp.query(
      `UPDATE kgc_erp.appointments SET status = 'cancelled' WHERE slot_start = $1`,
      [new Date(slot('10:00'))],
    );
    const retry = await book(payload, { 'idempotency-key': 'taken-1' });
    expect([retry.statusCode, retry.json().code, retry.headers['idempotent-replayed']]).toEqual([
      409,
      'slot_taken',
      'true',
    ]);
    const fresh = await book(payload, { 'idempotency-key': 'taken-2' });
    expect(fresh.statusCode).toBe(201);
  });

  it('refuses bad bookings with a clear 4xx and writes nothing', async () => {
    const before = [await count(), await idemCount()];
    const cases: [unknown, number, string, Record<string, string>?][] = [
      [
        { location_id: 'BP-01', slot_start: slot('09:15'), customer_id: 'C-123' },
        400,
        'invalid_slot',
      ],
      [
        { location_id: 'BP-01', slot_start: slot('07:30'), customer_id: 'C-123' },
        400,
        'invalid_slot',
      ],
      [
        { location_id: 'BP-01', slot_start: slot('16:45'), customer_id: 'C-123' },
        400,
        'invalid_slot',
      ],
      [
        { location_id: 'BP-01', slot_start: slot('10:00', '2030-01-06'), customer_id: 'C-123' },
        400,
        'invalid_slot',
      ],
      [
        { location_id: 'BP-01', slot_start: '2029-12-30T10:00:00+01:00', customer_id: 'C-123' },
        400,
        'invalid_slot',
      ],
      [
        { location_id: 'BP-01', slot_start: 'tomorrow at ten', customer_id: 'C-123' },
        400,
        'bad_request',
      ],
      [{ location_id: 'BP-01', slot_start: slot('11:00') }, 400, 'bad_request'],
      [
        { location_id: 'BP-01', slot_start: slot('11:00'), customer_phone: 'abc' },
        400,
        'invalid_phone',
      ],
      [
        { location_id: 'BP-01', slot_start: slot('11:00'), customer_id: 'C-999' },
        404,
        'customer_not_found',
      ],
      [
        { location_id: 'XX-99', slot_start: slot('11:00'), customer_id: 'C-123' },
        404,
        'location_not_found',
      ],
      [
        {
          location_id: 'BP-01',
          slot_start: slot('11:00'),
          customer_id: 'C-123',
          worklog_id: 'M-2025-0123',
        },
        400,
        'bad_request',
      ],
      [
        {
          location_id: 'BP-01',
          slot_start: slot('11:00'),
          customer_id: 'C-123',
          note: 'x'.repeat(1001),
        },
        400,
        'bad_request',
      ],
      [
        { location_id: 'BP-01', slot_start: slot('11:00'), customer_id: 'C-123' },
        400,
        'invalid_idempotency_key',
        { 'idempotency-key': 'bad key with spaces' },
      ],
    ];
    for (const [payload, status, code, headers] of cases) {
      const res = await book(payload, headers);
      expect([JSON.stringify(payload).slice(0, 80), res.statusCode, res.json().code]).toEqual([
        JSON.stringify(payload).slice(0, 80),
        status,
        code,
      ]);
    }
    expect([await count(), await idemCount()]).toEqual(before);
  });

  it('refuses malformed JSON, a wrong content type and an oversized body, writing nothing', async () => {
    const before = await count();
    const raw = (payload: string, contentType = 'application/json') =>
      t.app.inject({
        method: 'POST',
        url: '/api/service/appointments',
        headers: { ...bearer(t.keys.appointments), 'content-type': contentType },
        payload,
      });
    const bad = await raw('{"location_id": "BP-01", "slot_start": ');
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'invalid_json']);
    const text = await raw('location_id=BP-01', 'text/plain');
    expect([text.statusCode, text.json().code]).toEqual([415, 'unsupported_media_type']);
    const big = await raw(
      JSON.stringify({
        location_id: 'BP-01',
        slot_start: slot('12:00'),
        customer_id: 'C-123',
        note: 'x'.repeat(70 * 1024),
      }),
    );
    expect([big.statusCode, big.json().code]).toEqual([413, 'payload_too_large']);
    expect(await count()).toBe(before);
  });
});
