/**
 * The admin page's doors in-process, on both engines: the CLI's password operation
 * stores only a scrypt hash; login, the session cookie's flags, the CSRF token and the
 * Origin check, the login rate limit, and the audit rows naming the admin. Every
 * refusal is checked to have changed nothing.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPassword } from '../../src/admin-ui/admin-ui.ops.js';
import { MAX_FAILURES } from '../../src/admin-ui/sessions.js';
import { executeOp } from '../../src/admin/execute.js';
import { ALL_OPS } from '../../src/admin/registry.js';
import { buildAdminApp } from '../../src/admin/server.js';
import type { AuditWriter } from '../../src/audit/audit-writer.js';
import { queryAudit } from '../../src/audit/audit.service.js';
import { composeApi } from '../../src/daemon/compose-app.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { getPluginState } from '../../src/plugin/plugin.service.js';
import { publishEvent } from '../../src/events/events.service.js';
import type { AnyOp } from '../../src/ops/op.js';
import { disabledLifecycle, NO_ERASURES } from '../helpers/api.js';
import { createTestStore, STORE_KINDS, type TestStore } from '../helpers/store.js';
import { SAMPLES } from '../helpers/webhooks.js';

const HOST = '127.0.0.1:8080';
const ORIGIN = `http://${HOST}`;

describe.each(STORE_KINDS)('the admin page on %s', (kind) => {
  let ts: TestStore;
  let app: FastifyInstance;
  let admin: FastifyInstance;
  let audit: AuditWriter;
  let password: string;
  let ip = 0;
  /** A client address of its own per test, so that the login limiter of one never meets another's. */
  const client = () => `10.0.0.${++ip}`;

  beforeAll(async () => {
    ts = await createTestStore(kind);
    admin = await buildAdminApp({
      ctx: ts.ctx,
      ops: ALL_OPS,
      info: () => ({ module_enabled: true, support: disabledLifecycle() }),
    });
    const composed = await composeApi({
      ctx: ts.ctx,
      metrics: createMetrics({ defaultMetrics: false }),
      moduleEnabled: () => true,
      auditFlushMs: 60_000,
      erasures: NO_ERASURES,
      lifecycle: disabledLifecycle,
      adminApi: () => admin,
    });
    app = composed.app;
    audit = composed.audit;
    await app.ready();
    const issued = (await executeOp(
      { ...ts.ctx, actor: 'cli:test' },
      adminPassword as unknown as AnyOp,
      {},
    )) as { user: string; password: string; created: boolean };
    expect(issued).toMatchObject({ user: 'admin', created: true });
    password = issued.password;
  });
  afterAll(async () => {
    await app?.close();
    await admin?.close();
    await audit?.close();
    await ts?.close();
  });

  const login = (pw: string, from = client(), headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/admin/api/login',
      remoteAddress: from,
      headers: { host: HOST, origin: ORIGIN, ...headers },
      payload: { user: 'admin', password: pw },
    });

  async function session(): Promise<{ cookie: string; csrf: string }> {
    const res = await login(password);
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']).split(';')[0] as string;
    return { cookie, csrf: res.json().csrf };
  }

  const op = (
    name: string,
    s: { cookie: string; csrf?: string },
    body: unknown = {},
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method: 'POST',
      url: `/admin/api/ops/${name}`,
      headers: {
        host: HOST,
        origin: ORIGIN,
        cookie: s.cookie,
        ...(s.csrf ? { 'x-csrf-token': s.csrf } : {}),
        ...headers,
      },
      payload: body as object,
    });

  it('stores only a scrypt hash of the password the CLI printed, and audits the reset', async () => {
    const { rows } = await ts.ctx.db.query<{ password_hash: string }>(
      'SELECT password_hash FROM kgc_support.admin_credentials',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(rows[0]?.password_hash).not.toContain(password);
    expect(password).toMatch(/^[A-Za-z0-9]{22}$/);
    const rowsAudit = await queryAudit(ts.ctx, { route: 'admin.password' });
    expect(rowsAudit.map((r) => [r.actor, r.resource_id, r.status])).toEqual([
      ['cli:test', 'admin', 200],
    ]);
  });

  it('serves the page with a strict CSP and nothing from outside the daemon', async () => {
    const page = await app.inject({ url: '/admin' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    for (const url of [
      '/admin',
      '/admin/assets/admin.js',
      '/admin/assets/admin.css',
      '/admin/assets/i18n.js',
    ]) {
      const res = await app.inject({ url });
      expect([url, res.statusCode]).toEqual([url, 200]);
      expect(res.body).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
      expect(res.body).not.toMatch(/@import|url\(\s*['"]?https?:/);
    }
  });

  it('refuses a wrong password with 401 and audits the attempt', async () => {
    const res = await login('not-the-password');
    expect([res.statusCode, res.json().code]).toEqual([401, 'admin_login_failed']);
    expect(res.headers['set-cookie']).toBeUndefined();
    const unknown = await app.inject({
      method: 'POST',
      url: '/admin/api/login',
      remoteAddress: client(),
      headers: { host: HOST, origin: ORIGIN },
      payload: { user: 'root', password },
    });
    expect(unknown.statusCode).toBe(401);
    const rows = await queryAudit(ts.ctx, { route: 'admin.login', status: 401 });
    expect(rows.map((r) => r.actor).sort()).toEqual(['admin-ui:admin', 'admin-ui:root']);
  });

  it('sets an HttpOnly, SameSite=Strict cookie on /admin, Secure only over TLS', async () => {
    const plain = await login(password);
    const cookie = String(plain.headers['set-cookie']);
    expect(cookie).toMatch(/^kgc_admin=[\w-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/admin');
    expect(cookie).not.toContain('Secure');
    const tls = await login(password, client(), {
      'x-forwarded-proto': 'https',
      origin: `https://${HOST}`,
    });
    expect(String(tls.headers['set-cookie'])).toContain('Secure');
  });

  it('runs an operation for a logged-in admin and audits it with the admin as actor', async () => {
    const s = await session();
    const off = await op('plugin.disable', s);
    expect([off.statusCode, off.json().enabled]).toEqual([200, false]);
    expect((await getPluginState(ts.ctx)).enabled).toBe(false);
    const on = await op('plugin.enable', s);
    expect(on.json().enabled).toBe(true);
    const rows = await queryAudit(ts.ctx, { route: 'plugin.' });
    expect(rows.map((r) => [r.route, r.actor])).toEqual([
      ['plugin.enable', 'admin-ui:admin'],
      ['plugin.disable', 'admin-ui:admin'],
    ]);
    const info = await app.inject({ url: '/admin/api/info', headers: { cookie: s.cookie } });
    expect(info.json().support.state).toBe('DISABLED');
  });

  it('switches booking alone with the same operation, the module staying on, audited with the capability', async () => {
    const s = await session();
    const off = await op('plugin.disable', s, { capability: 'booking' });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({
      enabled: true,
      capabilities: { booking: { enabled: false } },
    });
    expect((await getPluginState(ts.ctx)).capabilities.booking.enabled).toBe(false);
    const on = await op('plugin.enable', s, { capability: 'booking' });
    expect(on.json().capabilities.booking).toMatchObject({
      enabled: true,
      changed_by: 'admin-ui:admin',
    });
    const rows = await queryAudit(ts.ctx, { route: 'plugin.', resource: 'booking' });
    expect(rows.map((r) => [r.route, r.resource_id])).toEqual([
      ['plugin.enable', 'booking'],
      ['plugin.disable', 'booking'],
    ]);
    const bad = await op('plugin.disable', s, { capability: 'everything' });
    expect(bad.statusCode).toBe(400);
    expect((await getPluginState(ts.ctx)).capabilities.booking.enabled).toBe(true);
  });

  it('refuses forged and token-less requests: no CSRF token, a foreign Origin, no Origin, a cross-site form', async () => {
    const s = await session();
    const noToken = await op('plugin.disable', { cookie: s.cookie });
    expect([noToken.statusCode, noToken.json().code]).toEqual([403, 'csrf_refused']);
    const wrongToken = await op('plugin.disable', { cookie: s.cookie, csrf: `${s.csrf}x` });
    expect(wrongToken.statusCode).toBe(403);
    const foreign = await op('plugin.disable', s, {}, { origin: 'http://evil.example' });
    expect([foreign.statusCode, foreign.json().code]).toEqual([403, 'csrf_refused']);
    const form = await app.inject({
      method: 'POST',
      url: '/admin/api/ops/plugin.disable',
      headers: {
        host: HOST,
        origin: 'http://evil.example',
        cookie: s.cookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'x=1',
    });
    expect(form.statusCode).toBe(403);
    const noOrigin = await app.inject({
      method: 'POST',
      url: '/admin/api/ops/plugin.disable',
      headers: { host: HOST, cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: {},
    });
    expect(noOrigin.statusCode).toBe(403);
    // Behind a reverse proxy that rewrites Host: its X-Forwarded-Host is the page's own origin.
    const proxied = await op(
      'plugin.status',
      s,
      {},
      {
        host: '127.0.0.1:3030',
        'x-forwarded-host': 'admin.kgc.example',
        origin: 'https://admin.kgc.example',
      },
    );
    expect(proxied.statusCode).toBe(200);
    const noSession = await op('plugin.disable', { cookie: 'kgc_admin=forged', csrf: s.csrf });
    expect([noSession.statusCode, noSession.json().code]).toEqual([401, 'admin_session_required']);
    expect((await getPluginState(ts.ctx)).enabled).toBe(true);
  });

  it('lists the recent events newest first, filtered by status (events.list)', async () => {
    const s = await session();
    for (const id of ['evt_list_1', 'evt_list_2'])
      await publishEvent(ts.ctx, { id, event: 'order.arrived', data: SAMPLES['order.arrived'] });
    const res = await op('events.list', s, { status: 'pending', limit: 10 });
    expect(res.json().map((e: { id: string }) => e.id)).toEqual(['evt_list_2', 'evt_list_1']);
    expect(res.json()[0]).not.toHaveProperty('data');
    const none = await op('events.list', s, { status: 'dead' });
    expect(none.json()).toEqual([]);
  });

  it('offers only the page operations: no password reset, no erasure from the browser', async () => {
    const s = await session();
    for (const name of ['admin.password', 'gdpr.delete', 'events.publish', 'demo.seed']) {
      const res = await op(name, s, {});
      expect([name, res.statusCode]).toEqual([name, 404]);
    }
  });

  it(`locks an address out after ${MAX_FAILURES} failed logins, the right password included`, async () => {
    const from = client();
    for (let i = 0; i < MAX_FAILURES; i++)
      expect((await login('wrong', from)).statusCode).toBe(401);
    const locked = await login(password, from);
    expect([locked.statusCode, locked.json().code]).toEqual([429, 'rate_limited']);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(password, client())).statusCode).toBe(200);
  });

  it('ends open sessions when the password is reset', async () => {
    const s = await session();
    expect((await op('plugin.status', s)).statusCode).toBe(200);
    const again = (await executeOp(ts.ctx, adminPassword as unknown as AnyOp, {})) as {
      password: string;
      created: boolean;
    };
    expect(again.created).toBe(false);
    const after = await op('plugin.status', s);
    expect([after.statusCode, after.json().code]).toEqual([401, 'admin_session_required']);
    password = again.password;
    expect((await login(password)).statusCode).toBe(200);
  });

  it('logs out: the cookie is cleared and the session ends', async () => {
    const s = await session();
    const out = await app.inject({
      method: 'POST',
      url: '/admin/api/logout',
      headers: { host: HOST, origin: ORIGIN, cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: {},
    });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await op('plugin.status', s)).statusCode).toBe(401);
  });
});
