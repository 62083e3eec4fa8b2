/**
 * The admin page (/admin): the Plugin Manager of seed 3.2, a third front door over
 * the same operations as the CLI. Every operation goes through the daemon's admin
 * API (the one the CLI reaches over its socket), in-process, with the logged-in
 * admin as the actor of its audit row: the page holds no business logic. Routes are
 * public to the API key guard (the page is for people, not keys) and guarded here by
 * the session, the CSRF token and the Origin check.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAdminAction } from '../audit/audit.service.js';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import { ADMIN_CSS } from './assets/style.js';
import { ADMIN_JS } from './assets/admin-js.generated.js';
import { I18N_JS } from './assets/i18n.js';
import { ADMIN_HTML } from './assets/page.js';
import { ADMIN_USER_PATTERN, credentialVersion, verifyPassword } from './credentials.js';
import {
  checkCsrf,
  checkOrigin,
  cookieValue,
  overTls,
  sessionCookie,
  sessionOf,
} from './request-guard.js';
import {
  ABSOLUTE_MS,
  LoginLimiter,
  SESSION_COOKIE,
  SessionStore,
  type Session,
} from './sessions.js';

/** The answer's content type as one string (a header may be absent or repeated). */
const contentType = (h: unknown): string => (typeof h === 'string' ? h : 'application/json');

/** The operations the page may run: what it shows and the changes it offers. */
export const PAGE_OPS: ReadonlySet<string> = new Set([
  'plugin.status',
  'plugin.enable',
  'plugin.disable',
  'health.facts',
  'keys.list',
  'keys.create',
  'keys.rotate',
  'keys.revoke',
  'keys.expiring',
  'dlq.list',
  'dlq.replay',
  'dlq.purge',
  'events.list',
  'events.show',
  'events.stats',
  'gdpr.status',
  'gdpr.receipt',
  'audit.query',
]);

export interface AdminUiDeps {
  /** The daemon's admin API (the CLI's door); undefined while the daemon starts. */
  admin: () => FastifyInstance | undefined;
}

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const PUBLIC = { scope: 'public' } as const;
const actorOf = (user: string) => `admin-ui:${user}`;

export const adminUiRoutes =
  (deps: AdminUiDeps): FastifyPluginAsyncTypebox<{ ctx: Ctx }> =>
  async (app, { ctx }) => {
    const sessions = new SessionStore(ctx.clock, ctx.random);
    const limiter = new LoginLimiter(ctx.clock);

    app.addHook('onRequest', async (req, reply) => {
      reply
        .header('content-security-policy', CSP)
        .header('x-frame-options', 'DENY')
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .header('cache-control', 'no-store');
      // Before the body is read: a forged form post is refused here, whatever it carries.
      if (req.method === 'POST') checkOrigin(req);
    });

    /** The session of a request, ended when the password was reset since it opened. */
    const live = async (req: FastifyRequest): Promise<Session> => {
      const s = sessionOf(req, sessions);
      if ((await credentialVersion(ctx, s.user)) !== s.version) {
        sessions.close(cookieValue(req.headers.cookie, SESSION_COOKIE));
        throw new KgcError('admin_session_required', 'the admin password was reset: log in again');
      }
      return s;
    };

    const audit = (user: string, action: string, status: number, started: number) =>
      recordAdminAction(
        { ...ctx, actor: actorOf(user) },
        { action, resourceId: user, status, latencyMs: performance.now() - started },
      ).catch((err) => ctx.logger.warn({ err: (err as Error).message }, 'admin audit failed'));

    const asset = (url: string, type: string, body: string) =>
      app.get(url, { config: PUBLIC }, async (_req, reply) => reply.type(type).send(body));
    asset('/admin', 'text/html; charset=utf-8', ADMIN_HTML);
    asset('/admin/', 'text/html; charset=utf-8', ADMIN_HTML);
    asset('/admin/assets/admin.css', 'text/css; charset=utf-8', ADMIN_CSS);
    asset('/admin/assets/admin.js', 'text/javascript; charset=utf-8', ADMIN_JS);
    asset('/admin/assets/i18n.js', 'text/javascript; charset=utf-8', I18N_JS);

    app.post(
      '/admin/api/login',
      {
        config: PUBLIC,
        schema: {
          body: Type.Object({
            user: Type.String({ maxLength: 64 }),
            password: Type.String({ maxLength: 256 }),
          }),
        },
      },
      async (req, reply) => {
        const started = performance.now();
        const { user, password } = req.body;
        const who = new RegExp(ADMIN_USER_PATTERN).test(user) ? user : 'unknown';
        const wait = limiter.retryAfter(req.ip);
        if (wait > 0) {
          await audit(who, 'admin.login', 429, started);
          throw new KgcError('rate_limited', `too many failed logins; try again in ${wait}s`, {
            headers: { 'retry-after': String(wait) },
          });
        }
        const version = who === 'unknown' ? undefined : await verifyPassword(ctx, user, password);
        if (version === undefined) {
          limiter.failed(req.ip);
          await audit(who, 'admin.login', 401, started);
          throw new KgcError('admin_login_failed');
        }
        limiter.succeeded(req.ip);
        const { id, session } = sessions.open(user, version);
        await audit(user, 'admin.login', 200, started);
        return reply
          .header('set-cookie', sessionCookie(id, overTls(req), Math.floor(ABSOLUTE_MS / 1000)))
          .send({ user, csrf: session.csrf });
      },
    );

    app.post('/admin/api/logout', { config: PUBLIC }, async (req, reply) => {
      const started = performance.now();
      const s = sessionOf(req, sessions);
      checkCsrf(req, s);
      sessions.close(cookieValue(req.headers.cookie, SESSION_COOKIE));
      await audit(s.user, 'admin.logout', 200, started);
      return reply.header('set-cookie', sessionCookie('', overTls(req), 0)).send({ ok: true });
    });

    app.get('/admin/api/session', { config: PUBLIC }, async (req) => {
      const s = await live(req);
      return { user: s.user, csrf: s.csrf };
    });

    const adminApi = (): FastifyInstance => {
      const admin = deps.admin();
      if (!admin) throw new KgcError('daemon_unreachable', 'the daemon is still starting');
      return admin;
    };
    const relay = (
      reply: FastifyReply,
      res: { statusCode: number; body: string; headers: Record<string, unknown> },
    ) => reply.code(res.statusCode).type(contentType(res.headers['content-type'])).send(res.body);

    app.get('/admin/api/info', { config: PUBLIC }, async (req, reply) => {
      await live(req);
      return relay(reply, await adminApi().inject({ method: 'GET', url: '/v1/info' }));
    });

    app.post(
      '/admin/api/ops/:name',
      { config: PUBLIC, schema: { params: Type.Object({ name: Type.String({ maxLength: 64 }) }) } },
      async (req, reply) => {
        const s = await live(req);
        checkCsrf(req, s);
        if (!PAGE_OPS.has(req.params.name))
          throw new KgcError('not_found', `the admin page has no operation ${req.params.name}`);
        const res = await adminApi().inject({
          method: 'POST',
          url: `/v1/ops/${encodeURIComponent(req.params.name)}`,
          headers: { 'content-type': 'application/json', 'x-kgc-actor': actorOf(s.user) },
          payload: JSON.stringify(req.body ?? {}),
        });
        return relay(reply, res);
      },
    );
  };
