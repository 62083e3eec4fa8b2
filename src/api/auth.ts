/**
 * The /api guard, run on every request before its body is read: API key
 * (Authorization: Bearer or X-API-Key), scope, the module switch, the per-key
 * rate limit. Then, once the response is out, one audit row and the metrics.
 *
 * It fails closed: every route registered after it must declare a scope (one of
 * the key scopes, or ANY_KEY) or the PUBLIC marker, and a PUBLIC route cannot be
 * one that answers under /api. Anything else makes buildApiApp throw, naming the
 * route, so a route without a scope check never starts serving.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditEntry } from '../audit/audit.service.js';
import { KgcError } from '../errors/kgc-error.js';
import { hasScope, type KeyVerifier, type VerifiedKey } from '../keys/key-verifier.js';
import { SCOPES, type Scope } from '../keys/scopes.js';
import type { Metrics } from '../metrics/metrics.js';
import { CAPABILITY_DOORS, type Capability } from '../plugin/plugin.schema.js';
import { sendProblem } from './problem.js';
import type { RateLimiter } from './rate-limit.js';

/** A route scope that any valid key satisfies, whatever its scopes; not closed by the module switch. */
export const ANY_KEY = 'any-key';
/** The explicit marker of a route that needs no key (/health, /ready, /metrics); refused under /api. */
export const PUBLIC = 'public';
/** What a route declares: the key scope it needs, any key, or explicitly none. */
export type RouteScope = Scope | typeof ANY_KEY | typeof PUBLIC;

/** One route as the guard admitted it. */
export interface GuardedRoute {
  method: string;
  url: string;
  scope: RouteScope;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs (required: a route without one makes the app refuse to start). */
    scope?: RouteScope;
    /** The capability a route belongs to (booking): closed with a 503 while that capability is switched off. */
    capability?: Capability;
    /** Resource id for the audit log, from the request (by-phone sets it from its answer instead). */
    auditResource?: (req: FastifyRequest) => string | undefined;
  }
  interface FastifyRequest {
    apiKey: VerifiedKey | null;
    auditResource: string | null;
  }
  interface FastifyInstance {
    /** Every route the guard admitted, with its scope, in registration order. */
    guardedRoutes(): readonly GuardedRoute[];
  }
}

const KEY_SCOPES: ReadonlySet<string> = new Set<string>([...SCOPES, ANY_KEY]);

/**
 * Whether a route path can answer a request under /api. Case-insensitive (a
 * router set to ignore case would serve /API/x for /api/x), and a path that
 * starts with a parameter or wildcard can match /api/... too.
 */
export function mayServeApi(url: string): boolean {
  const path = url.replace(/^\/+/, '/').toLowerCase();
  return (
    path === '/api' ||
    path.startsWith('/api/') ||
    path === '' ||
    path === '*' ||
    path.startsWith('/:') ||
    path.startsWith('/*')
  );
}

/** Throws, naming the route, unless it declares a scope the guard knows (and PUBLIC only outside /api). */
export function checkRouteScope(method: string, url: string, scope: unknown): RouteScope {
  const where = `route ${method} ${url}`;
  if (scope === PUBLIC) {
    if (mayServeApi(url))
      throw new Error(
        `${where} is marked public but answers under /api, where every route needs a key scope`,
      );
    return PUBLIC;
  }
  if (typeof scope === 'string' && KEY_SCOPES.has(scope)) return scope as RouteScope;
  if (scope === undefined)
    throw new Error(
      `${where} declares no scope: set config.scope to one of ${[...KEY_SCOPES].join(', ')} (or PUBLIC outside /api)`,
    );
  throw new Error(
    `${where} declares an unknown scope ${JSON.stringify(scope)}: scopes are ${[...KEY_SCOPES].join(', ')}`,
  );
}

export interface GuardDeps {
  verifier: KeyVerifier;
  limiter: RateLimiter;
  audit: { push(entry: AuditEntry): void };
  metrics: Metrics;
  moduleEnabled: () => boolean;
  capabilityEnabled: (c: Capability) => boolean;
  now: () => number;
}

function presentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.trim().length > 0) {
    const m = /^Bearer(?:\s+(\S*))?\s*$/i.exec(auth.trim());
    if (m) return m[1] || undefined;
    return auth.trim();
  }
  const x = req.headers['x-api-key'];
  return typeof x === 'string' ? x.trim() : undefined;
}

/** The checks after the key is known: scope, module switch, capability switch, rate limit. */
function admit(
  deps: GuardDeps,
  key: VerifiedKey,
  scope: Scope | typeof ANY_KEY,
  capability: Capability | undefined,
  reply: FastifyReply,
): KgcError | undefined {
  if (scope !== ANY_KEY && !hasScope(key, scope)) {
    return new KgcError('insufficient_scope', `this endpoint needs scope ${scope}`, {
      extras: { required_scope: scope },
    });
  }
  if (scope.startsWith('support:') && !deps.moduleEnabled()) {
    return new KgcError(
      'support_module_disabled',
      'the Support module is switched off on this server',
    );
  }
  if (capability !== undefined && !deps.capabilityEnabled(capability)) {
    return new KgcError(
      'capability_disabled',
      `${capability} (${CAPABILITY_DOORS[capability]}) is switched off on this server; reads go on`,
      { extras: { capability } },
    );
  }
  const rl = deps.limiter.take(key.id, key.rate, key.scopes);
  reply.header('ratelimit-limit', rl.limit).header('ratelimit-remaining', rl.remaining);
  if (!rl.allowed) {
    deps.metrics.rateLimited.inc();
    return new KgcError('rate_limited', `rate limit of key ${key.id} exceeded`, {
      headers: { 'retry-after': String(rl.retryAfterSec) },
    });
  }
  return undefined;
}

/** Per-route metric children, found by one string key instead of prom-client's label hashing per request. */
function metricChildren(metrics: Metrics) {
  const counters = new Map<string, { inc(): void }>();
  const histograms = new Map<string, { observe(v: number): void }>();
  return {
    request(route: string, method: string, status: number, seconds: number): void {
      const rk = `${route} ${method}`;
      let h = histograms.get(rk);
      if (!h) histograms.set(rk, (h = metrics.httpDuration.handle({ route, method })));
      h.observe(seconds);
      const ck = `${rk} ${status}`;
      let c = counters.get(ck);
      if (!c)
        counters.set(
          ck,
          (c = metrics.httpRequests.handle({ route, method, status: String(status) })),
        );
      c.inc();
    },
  };
}

export const apiGuard = fp<GuardDeps>(
  async (app: FastifyInstance, deps) => {
    app.decorateRequest('apiKey', null);
    app.decorateRequest('auditResource', null);
    const cacheHit = deps.metrics.keyCache.labels({ result: 'hit' });
    const cacheMiss = deps.metrics.keyCache.labels({ result: 'miss' });
    const perRoute = metricChildren(deps.metrics);

    // Fail closed at start: a route without a known scope is refused before it can serve.
    const admitted: GuardedRoute[] = [];
    app.addHook('onRoute', (route) => {
      const method = Array.isArray(route.method) ? route.method.join(',') : String(route.method);
      admitted.push({
        method,
        url: route.url,
        scope: checkRouteScope(method, route.url, route.config?.scope),
      });
    });
    app.decorate('guardedRoutes', () => admitted.slice());

    // Callback style on purpose: a cached key is judged without a promise, which is
    // most requests; only a cache miss waits for the database.
    app.addHook('onRequest', (req, reply, done) => {
      reply.header('x-request-id', req.id);
      const scope = req.routeOptions.config.scope;
      if (scope === PUBLIC) return done();
      if (scope === undefined) {
        // Only the not-found handler has no scope (every route was checked at start).
        if (req.is404) return done();
        return sendProblem(
          req,
          reply,
          new KgcError(
            'internal',
            `route ${req.method} ${req.routeOptions.url ?? req.url} has no scope`,
          ),
        );
      }
      const presented = presentedKey(req);
      const finish = (key: VerifiedKey) => {
        req.apiKey = key;
        const refused = admit(deps, key, scope, req.routeOptions.config.capability, reply);
        if (refused) sendProblem(req, reply, refused);
        else done();
      };
      const cached = deps.verifier.verifyCached(presented);
      if (cached) {
        cacheHit.inc();
        finish(cached);
        return;
      }
      deps.verifier.verify(presented).then(
        (key) => {
          cacheMiss.inc();
          finish(key);
        },
        (err: unknown) => {
          if (err instanceof KgcError) sendProblem(req, reply, err);
          else done(err as Error);
        },
      );
    });

    // On send rather than on response: the status is final here, and an onResponse hook
    // costs every request a trip through Fastify's finish handling (measured: ~10 % of
    // the by-phone throughput). The latency is taken when the answer is handed to Node.
    app.addHook('onSend', (req, reply, payload, done) => {
      if (!req.url.startsWith('/api/')) return done(null, payload);
      const route = req.routeOptions.url ?? '(unmatched)';
      const latencyMs = reply.elapsedTime;
      perRoute.request(route, req.method, reply.statusCode, latencyMs / 1000);
      deps.audit.push({
        at: deps.now(),
        requestId: String(req.id),
        keyId: req.apiKey?.id ?? null,
        method: req.method,
        route,
        resourceId: req.auditResource ?? req.routeOptions.config.auditResource?.(req) ?? null,
        status: reply.statusCode,
        latencyMs,
      });
      done(null, payload);
    });
  },
  { name: 'kgc-api-guard' },
);
