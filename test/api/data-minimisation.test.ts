/**
 * Seed 8.2: tax number, ID card number and balance never leave the ERP. The
 * response schemas guarantee it, so a column someone adds to the customers table
 * later cannot leak either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { STORE_KINDS } from '../helpers/store.js';

const FORBIDDEN_KEYS = ['tax_number', 'id_card_number', 'balance', 'secret_note', 'bank_account'];
const FORBIDDEN_VALUES = [
  '8412345678',
  '123456AB',
  '12345678-2-13',
  '-125000',
  'HU42117730161111101800000000',
  'titkos megjegyzés',
];

function allKeys(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => allKeys(v, into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      allKeys(v, into);
    }
  }
  return into;
}

describe.each(STORE_KINDS)('data minimisation on %s', (kind) => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi(kind);
    // Someone extends the ERP schema after the fact.
    await t.ctx.erp.exec(`
      ALTER TABLE kgc_erp.customers ADD COLUMN secret_note text, ADD COLUMN bank_account text;
      UPDATE kgc_erp.customers SET secret_note = 'titkos megjegyzés', bank_account = 'HU42117730161111101800000000';
      ALTER TABLE kgc_erp.worklogs ADD COLUMN secret_note text;
      UPDATE kgc_erp.worklogs SET secret_note = 'titkos megjegyzés';`);
  });
  afterAll(async () => {
    await t?.close();
  });

  const urls = [
    '/api/customers/by-phone/%2B36301234567',
    '/api/customers/by-phone/%2B36205551234',
    '/api/customers/by-phone/%2B36705559876',
    '/api/customers/duplicates?name=Szab%C3%B3%20%C3%89va&phone=%2B36205551234',
    '/api/customers/duplicates?name=Kov%C3%A1cs',
    '/api/rentals/R-2025-003/status',
    '/api/service/worklogs/M-2025-0123/status',
    '/api/service/worklogs/M-2025-0131/status',
    '/api/orders/O-2025-0456/status',
    '/api/orders/O-2025-0461/estimated-arrival',
    '/api/inventory/check?sku=MAK-DGA452',
  ];

  it('never returns a tax number, an ID card number, a balance or an unlisted column', async () => {
    for (const url of urls) {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer(t.keys.read) });
      expect(res.statusCode, url).toBe(200);
      const keys = allKeys(res.json());
      for (const k of FORBIDDEN_KEYS) expect(keys.has(k), `${url} has ${k}`).toBe(false);
      for (const v of FORBIDDEN_VALUES)
        expect(res.body.includes(v), `${url} contains ${v}`).toBe(false);
    }
  });

  it('gives payment status only as good, late or blocked', async () => {
    const statuses = [];
    for (const phone of ['%2B36301234567', '%2B36205551234', '%2B36705559876']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/customers/by-phone/${phone}`,
        headers: bearer(t.keys.read),
      });
      statuses.push(res.json().payment_status);
    }
    expect(statuses).toEqual(['good', 'late', 'blocked']);
  });

  it('keeps no phone number or name in the audit log', async () => {
    await t.app.inject({
      method: 'GET',
      url: '/api/customers/by-phone/%2B36301234567',
      headers: bearer(t.keys.read),
    });
    await t.app.inject({
      method: 'GET',
      url: '/api/customers/by-phone/%2B36209999999',
      headers: bearer(t.keys.read),
    });
    await t.audit.flush();
    const { rows } = await t.ctx.db.query<Record<string, unknown>>(
      'SELECT * FROM kgc_support.audit_log',
    );
    const text = JSON.stringify(rows);
    expect(rows.length).toBeGreaterThan(0);
    for (const pii of [
      '36301234567',
      '36209999999',
      'Kovács',
      t.keys.read,
      t.keys.read.slice(4, 20),
    ])
      expect(text).not.toContain(pii);
    const byPhone = rows
      .filter((r) => r.route === '/api/customers/by-phone/:phone')
      .map((r) => [r.resource_id, r.status]);
    expect(byPhone).toContainEqual(['C-123', 200]);
    expect(byPhone).toContainEqual([null, 404]);
  });
});
