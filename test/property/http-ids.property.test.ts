/**
 * Ids in paths and values in query strings, for any text: every Pull API route
 * answers without a 5xx and with a problem document when it refuses, the daemon
 * keeps serving afterwards, and the audit rows of all those requests are written
 * (one odd id never fails the batch of everyone's audit rows).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { expectNoServerError, urlPart } from './http.js';
import { runs } from './runs.js';

/** Each GET route with its id parameter, and the key that may call it. */
const ID_ROUTES: [template: string, key: 'read' | 'publish' | 'admin'][] = [
  ['/api/customers/by-phone/:x', 'read'],
  ['/api/rentals/:x/status', 'read'],
  ['/api/service/worklogs/:x/status', 'read'],
  ['/api/orders/:x/status', 'read'],
  ['/api/orders/:x/estimated-arrival', 'read'],
  ['/api/events/:x', 'publish'],
  ['/api/gdpr/requests/:x', 'admin'],
];

/** Each route with a query string, its own parameter names, and its key. */
const QUERY_ROUTES: [path: string, names: string[], key: 'read' | 'publish' | 'admin'][] = [
  ['/api/customers/duplicates', ['name', 'phone', 'limit'], 'read'],
  ['/api/inventory/check', ['sku', 'location'], 'read'],
  ['/api/support/health', ['key_expiry_within'], 'read'],
  ['/api/customers/by-phone/%2B36301234567', ['x'], 'read'],
];

describe('ids and query strings (property, pglite)', () => {
  let t: TestApi;
  let requests = 0;
  beforeAll(async () => {
    t = await createTestApi('pglite', { env: { KGC_SUPPORT_RATE_LIMIT: '1000000/s' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const keyOf = (k: 'read' | 'publish' | 'admin') => bearer(t.keys[k]);

  it('any id in any path: no 5xx, refusals are problems', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ID_ROUTES),
        urlPart,
        fc.constantFrom('GET', 'HEAD'),
        async ([template, key], id, method) => {
          const url = template.replace(':x', id);
          const res = await t.app.inject({ method: method as 'GET', url, headers: keyOf(key) });
          requests++;
          if (method === 'GET') expectNoServerError(res, `${method} ${url}`);
          else expect(res.statusCode).toBeLessThan(500);
        },
      ),
      runs(700),
    );
  });

  it('any query string: no 5xx, refusals are problems', async () => {
    const pair = (names: string[]) =>
      fc.tuple(fc.oneof(fc.constantFrom(...names), urlPart), urlPart);
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...QUERY_ROUTES)
          .chain(([path, names, key]) =>
            fc.tuple(fc.constant(path), fc.array(pair(names), { maxLength: 4 }), fc.constant(key)),
          ),
        async ([path, pairs, key]) => {
          const q = pairs.map(([k, v]) => `${k}=${v}`).join('&');
          const url = `${path}?${q}`;
          const res = await t.app.inject({ method: 'GET', url, headers: keyOf(key) });
          requests++;
          expectNoServerError(res, `GET ${url}`);
        },
      ),
      runs(700),
    );
  });

  it('still serves, and writes the audit rows of every one of those requests', async () => {
    const ok = await t.app.inject({
      method: 'GET',
      url: '/api/service/worklogs/M-2025-0123/status',
      headers: bearer(t.keys.read),
    });
    expect(ok.statusCode).toBe(200);
    expect(requests).toBeGreaterThan(0);
    await t.audit.flush();
    expect(t.audit.pending).toBe(0);
  });
});
