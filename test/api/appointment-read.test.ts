/**
 * The booking a Location header names can be read back (GET /api/service/appointments/{id},
 * scope support:read), a misspelt booking field is a 400 that names it and books
 * nothing, and booking switched off alone answers 503 while reads go on. The OpenAPI
 * document says all three.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/context/clock.js';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { STORE_KINDS } from '../helpers/store.js';

// Monday 2030-01-07, Budapest (UTC+1 in winter).
const NOW = Date.parse('2030-01-02T10:00:00Z');
const slot = (hhmm: string) => `2030-01-07T${hhmm}:00+01:00`;

describe.each(STORE_KINDS)('reading a booking back, and its fields, on %s', (kind) => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi(kind, { clock: manualClock(NOW) });
  });
  afterAll(async () => {
    await t?.close();
  });

  const book = (payload: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/service/appointments',
      headers: bearer(t.keys.appointments),
      payload,
    });
  const get = (url: string, key = t.keys.read) => t.app.inject({ url, headers: bearer(key) });
  const booked = async () =>
    Number(
      (await t.ctx.erp.query<{ n: number }>('SELECT count(*)::int AS n FROM kgc_erp.appointments'))
        .rows[0]?.n,
    );

  it("answers the POST's Location with the booking, to a read-only key too, and its status as the ERP changes it", async () => {
    const made = await book({
      location_id: 'BP-01',
      slot_start: slot('10:00'),
      customer_id: 'C-456',
    });
    expect(made.statusCode).toBe(201);
    const location = made.headers.location as string;
    const res = await get(location);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(made.json());
    await t.ctx.erp.query(`UPDATE kgc_erp.appointments SET status = 'cancelled' WHERE id = $1`, [
      made.json().appointment_id,
    ]);
    expect((await get(location)).json()).toEqual({ ...made.json(), status: 'cancelled' });
  });

  it('is a 404 appointment_not_found for an unknown id, 403 for a key without support:read', async () => {
    const missing = await get('/api/service/appointments/A-2030-999999');
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'appointment_not_found']);
    const denied = await get('/api/service/appointments/A-2030-000001', t.keys.publish);
    expect([denied.statusCode, denied.json().code]).toEqual([403, 'insufficient_scope']);
  });

  it('refuses unknown booking fields with a 400 naming each of them, and books nothing', async () => {
    const before = await booked();
    const res = await book({
      location_id: 'BP-01',
      slot_start: slot('11:00'),
      customer_id: 'C-456',
      costumer_phone: '+36301234567',
      notes: 'misspelt',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({
      code: 'unknown_field',
      unknown_fields: ['costumer_phone', 'notes'],
    });
    expect(res.json().detail).toMatch(/"costumer_phone", "notes"/);
    expect(await booked()).toBe(before);
    // The slot is still free: the same booking without the stray fields gets it.
    expect(
      (await book({ location_id: 'BP-01', slot_start: slot('11:00'), customer_id: 'C-456' }))
        .statusCode,
    ).toBe(201);
  });

  it('with booking switched off: POST answers 503 capability_disabled, reads and the GET of a booking go on', async () => {
    const made = await book({
      location_id: 'BP-01',
      slot_start: slot('12:00'),
      customer_id: 'C-456',
    });
    t.capabilities.booking = false;
    try {
      const before = await booked();
      const res = await book({
        location_id: 'BP-01',
        slot_start: slot('12:30'),
        customer_id: 'C-456',
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'capability_disabled', capability: 'booking' });
      expect(await booked()).toBe(before);
      expect((await get(made.headers.location as string)).statusCode).toBe(200);
      expect((await get('/api/service/worklogs/M-2025-0123/status')).statusCode).toBe(200);
    } finally {
      t.capabilities.booking = true;
    }
  });

  it('the OpenAPI document has the GET with its schema and a booking body that admits no other field', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    const read = doc.paths['/api/service/appointments/{appointment_id}']?.get;
    expect(read, 'GET /api/service/appointments/{appointment_id}').toBeDefined();
    const ok = read.responses['200'].content['application/json'].schema;
    expect(Object.keys(ok.properties ?? {}).sort()).toEqual([
      'appointment_id',
      'customer_id',
      'location_id',
      'slot_end',
      'slot_start',
      'status',
    ]);
    const body =
      doc.paths['/api/service/appointments'].post.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
  });
});
