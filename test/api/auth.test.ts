/** API keys at the door: every way a key can be wrong, scopes, the rate limit and the module switch. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/context/clock.js';
import { createKey, revokeKey, rotateKey } from '../../src/keys/keys.service.js';
import { checksumOf } from '../../src/formats/api-key.js';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { STORE_KINDS } from '../helpers/store.js';

const URL = '/api/rentals/R-2025-001/status';

describe.each(STORE_KINDS)('API keys on %s', (kind) => {
  let t: TestApi;
  const clock = manualClock(Date.now());
  beforeAll(async () => {
    t = await createTestApi(kind, { clock, rateLimit: '5/s,burst=5' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (headers: Record<string, string>, url = URL) =>
    t.app.inject({ method: 'GET', url, headers });
  const codeOf = async (headers: Record<string, string>, url = URL) => {
    const res = await call(headers, url);
    return [res.statusCode, res.json().code];
  };

  it('accepts the key as Bearer and as X-API-Key', async () => {
    expect((await call(bearer(t.keys.read))).statusCode).toBe(200);
    expect((await call({ 'x-api-key': t.keys.read })).statusCode).toBe(200);
  });

  it('answers 401 for a missing, malformed, mistyped or unknown key', async () => {
    expect(await codeOf({})).toEqual([401, 'missing_api_key']);
    expect(await codeOf({ authorization: 'Bearer ' })).toEqual([401, 'missing_api_key']);
    expect(await codeOf(bearer('kgc_api_key_abc123'))).toEqual([401, 'malformed_api_key']);
    const k = t.keys.read;
    const typo = `${k.slice(0, 10)}${k[10] === 'a' ? 'b' : 'a'}${k.slice(11)}`;
    expect(await codeOf(bearer(typo))).toEqual([401, 'malformed_api_key']);
    // Well-formed with a valid checksum, but never issued.
    const body = 'A'.repeat(30);
    expect(await codeOf(bearer(`kgc_${body}${checksumOf(body)}`))).toEqual([
      401,
      'invalid_api_key',
    ]);
  });

  it('answers 403 when the key lacks the scope', async () => {
    expect(await codeOf(bearer(t.keys.publish))).toEqual([403, 'insufficient_scope']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/service/appointments',
      headers: bearer(t.keys.read),
      payload: {
        location_id: 'BP-01',
        slot_start: '2030-01-07T09:00:00+01:00',
        customer_id: 'C-123',
      },
    });
    expect([res.statusCode, res.json().code, res.json().required_scope]).toEqual([
      403,
      'insufficient_scope',
      'support:appointments',
    ]);
    expect((await call(bearer(t.keys.admin))).statusCode).toBe(200);
  });

  it('refuses a revoked key from the next request, even when it was just used', async () => {
    const issued = await createKey(t.ctx, { name: 'to-revoke', scopes: ['support:read'] });
    expect((await call(bearer(issued.api_key))).statusCode).toBe(200);
    await revokeKey(t.ctx, { id: issued.key.id });
    t.verifier.invalidate(); // what the daemon does on the change notification
    expect(await codeOf(bearer(issued.api_key))).toEqual([401, 'api_key_revoked']);
  });

  it('refuses an expired key', async () => {
    const issued = await createKey(t.ctx, {
      name: 'short',
      scopes: ['support:read'],
      expires_in: '1h',
    });
    expect((await call(bearer(issued.api_key))).statusCode).toBe(200);
    clock.advance(3_600_001);
    expect(await codeOf(bearer(issued.api_key))).toEqual([401, 'api_key_expired']);
  });

  it('keeps a rotated key valid for its grace period only; the successor works at once', async () => {
    const issued = await createKey(t.ctx, { name: 'rotating', scopes: ['support:read'] });
    const rotated = await rotateKey(t.ctx, { id: issued.key.id, grace: '24h' });
    t.verifier.invalidate();
    expect(rotated.previous.status).toBe('rotated');
    expect((await call(bearer(issued.api_key))).statusCode).toBe(200);
    expect((await call(bearer(rotated.api_key))).statusCode).toBe(200);
    clock.advance(24 * 3_600_000 + 1);
    expect(await codeOf(bearer(issued.api_key))).toEqual([401, 'api_key_expired']);
    expect((await call(bearer(rotated.api_key))).statusCode).toBe(200);
  });

  it('limits each key separately and says when to retry', async () => {
    const a = await createKey(t.ctx, { name: 'limited-a', scopes: ['support:read'] });
    const b = await createKey(t.ctx, {
      name: 'limited-b',
      scopes: ['support:read'],
      rate_limit: '100/s,burst=100',
    });
    const statuses: number[] = [];
    let limited;
    for (let i = 0; i < 8; i++) {
      const res = await call(bearer(a.api_key));
      statuses.push(res.statusCode);
      if (res.statusCode === 429) limited = res;
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(limited?.json().code).toBe('rate_limited');
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another key is not affected; its own limit applies.
    for (let i = 0; i < 8; i++) expect((await call(bearer(b.api_key))).statusCode).toBe(200);
    // Tokens flow back in with time.
    clock.advance(1_000);
    expect((await call(bearer(a.api_key))).statusCode).toBe(200);
  });

  it('answers 503 support_module_disabled while the module is off, and serves again when on', async () => {
    t.module.enabled = false;
    try {
      const res = await call(bearer(t.keys.read));
      expect([res.statusCode, res.json().code]).toEqual([503, 'support_module_disabled']);
      expect(await codeOf({})).toEqual([401, 'missing_api_key']);
    } finally {
      t.module.enabled = true;
    }
    expect((await call(bearer(t.keys.read))).statusCode).toBe(200);
  });

  it('records every call in the audit log with key id, route, resource, status and latency, never the key', async () => {
    const marker = `audit-${Date.now()}`;
    await call({ ...bearer(t.keys.read), 'x-request-id': marker });
    await call({ ...bearer(t.keys.publish), 'x-request-id': `${marker}-403` });
    await call({ 'x-request-id': `${marker}-401` });
    await t.audit.flush();
    const { rows } = await t.ctx.db.query<Record<string, unknown>>(
      `SELECT request_id, key_id, route, resource_id, status, latency_ms, kind FROM kgc_support.audit_log WHERE request_id LIKE $1 ORDER BY request_id`,
      [`${marker}%`],
    );
    expect(
      rows.map((r) => [r.request_id, r.key_id, r.route, r.resource_id, r.status, r.kind]),
    ).toEqual([
      [marker, t.keyIds.read, '/api/rentals/:rental_id/status', 'R-2025-001', 200, 'api'],
      [`${marker}-401`, null, '/api/rentals/:rental_id/status', 'R-2025-001', 401, 'api'],
      [
        `${marker}-403`,
        t.keyIds.publish,
        '/api/rentals/:rental_id/status',
        'R-2025-001',
        403,
        'api',
      ],
    ]);
    for (const r of rows) expect(typeof r.latency_ms).toBe('number');
    const all = JSON.stringify((await t.ctx.db.query('SELECT * FROM kgc_support.audit_log')).rows);
    for (const key of Object.values(t.keys)) expect(all).not.toContain(key.slice(4));
  });
});
