/**
 * No /api route without a scope check. The guard fails closed: a route that declares
 * no scope (or an unknown one, or PUBLIC under /api) makes buildApiApp throw, naming
 * the route. The table below lists every route the daemon serves with its scope, so a
 * new route needs a conscious entry here. The guard is the same on both engines: one.
 */
import type { FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp, mount } from '../../src/api/app.js';
import { ANY_KEY, PUBLIC, type RouteScope } from '../../src/api/auth.js';
import { defaultRates, RateLimiter } from '../../src/api/rate-limit.js';
import type { Ctx } from '../../src/context/context.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';

/** Every route of the daemon's Pull API (GET routes also answer HEAD). */
const ROUTES: [method: string, url: string, scope: RouteScope][] = [
  ['GET', '/api/customers/by-phone/:phone', 'support:read'],
  ['GET', '/api/customers/duplicates', 'support:read'],
  ['GET', '/api/rentals/:rental_id/status', 'support:read'],
  ['GET', '/api/service/worklogs/:worklog_id/status', 'support:read'],
  ['POST', '/api/service/appointments', 'support:appointments'],
  ['GET', '/api/service/appointments/:appointment_id', 'support:read'],
  ['GET', '/api/orders/:order_id/status', 'support:read'],
  ['GET', '/api/orders/:order_id/estimated-arrival', 'support:read'],
  ['GET', '/api/inventory/check', 'support:read'],
  ['POST', '/api/events', 'erp:publish'],
  ['GET', '/api/events/:event_id', 'erp:publish'],
  ['DELETE', '/api/customers/:customer_id', 'erp:gdpr'],
  ['GET', '/api/gdpr/requests/:request_id', 'erp:gdpr'],
  ['GET', '/api/customers/:customer_id/export', 'erp:gdpr'],
  ['GET', '/api/support/health', ANY_KEY],
  ['GET', '/health', PUBLIC],
  ['GET', '/ready', PUBLIC],
  ['GET', '/metrics', PUBLIC],
  // The OpenAPI document and the event schemas (src/api/openapi.ts).
  ['GET', '/openapi.json', PUBLIC],
  ['GET', '/schemas/events/index.json', PUBLIC],
  ['GET', '/schemas/events/:file', PUBLIC],
  // The admin page: no key; its own session, CSRF token and Origin check (src/admin-ui).
  ['GET', '/admin', PUBLIC],
  ['GET', '/admin/', PUBLIC],
  ['GET', '/admin/assets/admin.css', PUBLIC],
  ['GET', '/admin/assets/admin.js', PUBLIC],
  ['GET', '/admin/assets/i18n.js', PUBLIC],
  ['POST', '/admin/api/login', PUBLIC],
  ['POST', '/admin/api/logout', PUBLIC],
  ['GET', '/admin/api/session', PUBLIC],
  ['GET', '/admin/api/info', PUBLIC],
  ['POST', '/admin/api/ops/:name', PUBLIC],
];

const concrete = (url: string) => url.replace(/:([a-z_]+)/g, 'X-1');

describe('the /api guard fails closed', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi('pglite');
  });
  afterAll(async () => {
    await t?.close();
  });

  const build = (extra: FastifyPluginAsync<{ ctx: Ctx }>) =>
    buildApiApp({
      ctx: t.ctx,
      verifier: t.verifier,
      audit: t.audit,
      metrics: createMetrics({ defaultMetrics: false }),
      limiter: new RateLimiter(t.ctx.clock, defaultRates(t.ctx.config)),
      moduleEnabled: () => true,
      logger: false,
      routes: [mount(extra, { ctx: t.ctx })],
    });
  const handler = async () => ({ leaked: true });

  it('lists every route with its scope: a new route needs an entry in this table', () => {
    const expected = ROUTES.flatMap(([method, url, scope]) =>
      method === 'GET'
        ? [
            [method, url, scope],
            ['HEAD', url, scope],
          ]
        : [[method, url, scope]],
    );
    const actual = t.app.guardedRoutes().map((r) => [r.method, r.url, r.scope]);
    const byKey = (a: string[], b: string[]) => a.join(' ').localeCompare(b.join(' '));
    expect(actual.sort(byKey)).toEqual(expected.sort(byKey));
  });

  it('checks the listed scope on every keyed route', async () => {
    for (const [method, url, scope] of ROUTES) {
      if (scope === PUBLIC) continue;
      const noKey = await t.app.inject({ method: method as 'GET', url: concrete(url) });
      expect([url, noKey.statusCode, noKey.json().code]).toEqual([url, 401, 'missing_api_key']);
      if (scope === ANY_KEY) continue;
      // A valid key without the scope: support:* routes get the ERP's key, erp:* routes the Support key.
      const other = scope.startsWith('support:') ? t.keys.publish : t.keys.read;
      const wrong = await t.app.inject({
        method: method as 'GET',
        url: concrete(url),
        headers: bearer(other),
      });
      expect([url, wrong.statusCode, wrong.json().required_scope]).toEqual([url, 403, scope]);
    }
  });

  it('refuses to start with an /api route that declares no scope, naming it', async () => {
    await expect(
      build(async (app) => {
        app.get('/api/extra/:id', handler);
      }),
    ).rejects.toThrow(/GET \/api\/extra\/:id declares no scope/);
    await expect(
      build(async (app) => {
        app.post('/api/extra', { config: {} }, handler);
      }),
    ).rejects.toThrow(/POST \/api\/extra declares no scope/);
  });

  it('refuses a route under a prefix, in another case, or any route without a scope', async () => {
    await expect(
      build(async (app) => {
        await app.register(
          async (sub) => {
            sub.get('/things', handler);
          },
          { prefix: '/api' },
        );
      }),
    ).rejects.toThrow(/GET \/api\/things declares no scope/);
    await expect(
      build(async (app) => {
        app.get('/API/extra', handler);
      }),
    ).rejects.toThrow(/GET \/API\/extra declares no scope/);
    await expect(
      build(async (app) => {
        app.get('/status', handler);
      }),
    ).rejects.toThrow(/GET \/status declares no scope/);
  });

  it('refuses an unknown scope, and the public marker where /api could be served', async () => {
    await expect(
      build(async (app) => {
        app.get('/api/extra', { config: { scope: 'support:write' as never } }, handler);
      }),
    ).rejects.toThrow(/GET \/api\/extra declares an unknown scope "support:write"/);
    await expect(
      build(async (app) => {
        app.get('/api/extra', { config: { scope: PUBLIC } }, handler);
      }),
    ).rejects.toThrow(/GET \/api\/extra is marked public but answers under \/api/);
    await expect(
      build(async (app) => {
        app.get('/:section/extra', { config: { scope: PUBLIC } }, handler);
      }),
    ).rejects.toThrow(/GET \/:section\/extra is marked public/);
    await expect(
      build(async (app) => {
        app.get('/*', { config: { scope: PUBLIC } }, handler);
      }),
    ).rejects.toThrow(/GET \/\* is marked public/);
  });

  it('starts with a scoped extra route, and the guard asks for its key', async () => {
    const app = await build(async (a) => {
      a.get('/api/extra', { config: { scope: 'admin' } }, handler);
    });
    try {
      const res = await app.inject({ url: '/api/extra', headers: bearer(t.keys.read) });
      expect([res.statusCode, res.json().required_scope]).toEqual([403, 'admin']);
      expect(
        (await app.inject({ url: '/api/extra', headers: bearer(t.keys.admin) })).json(),
      ).toEqual({ leaked: true });
    } finally {
      await app.close();
    }
  });
});
