/**
 * The Pull API against the demo data, on both engines: the seed document's
 * example requests give its example answers, and the failure paths answer with
 * the right problem codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { STORE_KINDS } from '../helpers/store.js';

describe.each(STORE_KINDS)('Pull API on %s', (kind) => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, key = t.keys.read) =>
    t.app.inject({ method: 'GET', url, headers: bearer(key) });

  it('answers the seed 4.2 worklog example field for field', async () => {
    const res = await get('/api/service/worklogs/M-2025-0123/status');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      worklog_id: 'M-2025-0123',
      customer: { id: 'C-456', name: 'Nagy Péter', phone: '+36309876543' },
      machine: 'Husqvarna láncfűrész 450e',
      status: 'javítás',
      status_hu: 'Javítás folyamatban',
      estimated_completion: '2025-12-30T17:00:00Z',
      quote_accepted: true,
      quote_amount: 18500,
      technician_notes: 'Lánc és láncvezető csere. Készen várható 12/30 délután.',
      can_pickup: false,
    });
  });

  it('answers the seed 2.4 by-phone example from every way of writing the number', async () => {
    const expected = {
      customer_id: 'C-123',
      name: 'Kovács János',
      phone: '+36301234567',
      email: 'kovacs@example.com',
      company: null,
      is_business: false,
      active_rentals: 1,
      pending_repairs: 0,
      payment_status: 'good',
    };
    for (const phone of [
      '+36301234567',
      '06 30 123 4567',
      '+36-30-123-4567',
      '36301234567',
      '0036301234567',
      '(06 30) 123-45-67',
    ]) {
      const res = await get(`/api/customers/by-phone/${encodeURIComponent(phone)}`);
      expect(res.statusCode, phone).toBe(200);
      expect(res.json()).toEqual(expected);
    }
  });

  it('answers the seed 2.1 rental example: active, not late', async () => {
    const res = await get('/api/rentals/R-2025-001/status');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      rental_id: 'R-2025-001',
      customer_phone: '+36301234567',
      machine_name: 'Makita talajvágó',
      status: 'active',
      late_days: 0,
    });
    const late = (await get('/api/rentals/R-2025-002/status')).json();
    expect(late.late_days).toBe(3);
  });

  it('answers the seed 2.3 order example', async () => {
    const res = await get('/api/orders/O-2025-0456/status');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      order_id: 'O-2025-0456',
      customer_phone: '+36301234567',
      notification_sent: true,
      items: [{ sku: 'MAK-DGA452', name: 'Makita akkus fúró', quantity: 2, status: 'beérkezett' }],
    });
    const eta = await get('/api/orders/O-2025-0461/estimated-arrival');
    expect(eta.json()).toMatchObject({
      order_id: 'O-2025-0461',
      arrived: false,
      days_until_arrival: 5,
      items_pending: 2,
    });
  });

  it('reports stock per location, and for one location by id or city', async () => {
    const all = (await get('/api/inventory/check?sku=MAK-DGA452')).json();
    expect(all).toMatchObject({
      sku: 'MAK-DGA452',
      name: 'Makita akkus fúró',
      total_available: 6,
      in_stock: true,
    });
    expect(
      all.locations.map((l: { location_id: string; available: number }) => [
        l.location_id,
        l.available,
      ]),
    ).toEqual([
      ['BP-01', 4],
      ['DEB-01', 0],
      ['SZE-01', 2],
    ]);
    const deb = (await get('/api/inventory/check?sku=MAK-DGA452&location=debrecen')).json();
    expect(deb).toMatchObject({
      total_available: 0,
      in_stock: false,
      locations: [{ location_id: 'DEB-01', available: 0 }],
    });
    expect((await get('/api/inventory/check?sku=NOPE-1')).json().code).toBe('sku_not_found');
    expect((await get('/api/inventory/check?sku=MAK-DGA452&location=Eger')).json().code).toBe(
      'location_not_found',
    );
  });

  it('finds duplicates accent-blind by name and exactly by phone', async () => {
    const res = await get(
      `/api/customers/duplicates?name=${encodeURIComponent('kovacs janos')}&phone=06301234567`,
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.query).toEqual({ name: 'kovacs janos', phone: '+36301234567' });
    expect(body.candidates[0]).toMatchObject({ customer_id: 'C-123', phone_match: true, score: 1 });
    expect(body.candidates.map((c: { customer_id: string }) => c.customer_id).sort()).toEqual([
      'C-123',
      'C-124',
      'C-506',
    ]);
    const byPhoneOnly = (await get('/api/customers/duplicates?phone=%2B3652123456')).json();
    expect(byPhoneOnly.candidates.map((c: { customer_id: string }) => c.customer_id)).toEqual([
      'C-508',
      'C-509',
    ]);
  });

  it('refuses to guess when several customers share a phone', async () => {
    const res = await get('/api/customers/by-phone/%2B3652123456');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'phone_ambiguous', customer_ids: ['C-508', 'C-509'] });
  });

  it('answers bad input with a clear 4xx problem', async () => {
    const cases: [string, number, string][] = [
      ['/api/customers/by-phone/hello', 400, 'invalid_phone'],
      ['/api/customers/by-phone/123', 400, 'invalid_phone'],
      ['/api/customers/by-phone/%2B36209999999', 404, 'customer_not_found'],
      ['/api/service/worklogs/M-1999-0001/status', 404, 'worklog_not_found'],
      ['/api/rentals/R-NOPE/status', 404, 'rental_not_found'],
      ['/api/orders/O-NOPE/status', 404, 'order_not_found'],
      ['/api/service/worklogs/..%2F..%2Fetc/status', 400, 'invalid_id'],
      ['/api/customers/duplicates', 400, 'bad_request'],
      ['/api/customers/duplicates?name=x', 400, 'bad_request'],
      ['/api/inventory/check', 400, 'bad_request'],
      ['/api/inventory/check?sku=%27%3Bdrop', 400, 'bad_request'],
      ['/api/nothing-here', 404, 'not_found'],
    ];
    for (const [url, status, code] of cases) {
      const res = await get(url);
      expect([url, res.statusCode, res.json().code]).toEqual([url, status, code]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status, type: `urn:kgc-support:problem:${code}` });
      expect(typeof res.json().request_id).toBe('string');
    }
  });

  it('echoes a caller X-Request-ID and makes one otherwise', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/rentals/R-2025-001/status',
      headers: { ...bearer(t.keys.read), 'x-request-id': 'chat-42.a' },
    });
    expect(res.headers['x-request-id']).toBe('chat-42.a');
    const other = await get('/api/rentals/R-2025-001/status');
    expect(other.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
