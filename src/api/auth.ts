/**
 * The /api guard, run on every request before its body is read: API key
 * (Authorization: Bearer or X-API-Key), scope, the module switch, the per-key
 * rate limit. Then, once the response is out, one audit row and the metrics.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditEntry } from '../audit/audit.service.js';
import { KgcError } from '../errors/kgc-error.js';
import { hasScope, type KeyVerifier, type VerifiedKey } from '../keys/key-verifier.js';
import type { Metrics } from '../metrics/metrics.js';
import { sendProblem } from './problem.js';
import type { RateLimiter } from './rate-limit.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; routes without one are not under the guard. */
    scope?: string;
    /** Resource id for the audit log, from the request (by-phone sets it from its answer instead). */
    auditResource?: (req: FastifyRequest) => string | undefined;
  }
  interface FastifyRequest {
    apiKey: VerifiedKey | null;
    auditResource: string | null;
  }
}

/** A route scope that any valid key satisfies, whatever its scopes; not closed by the module switch. */
export const ANY_KEY = 'any-key';

export interface GuardDeps {
  verifier: KeyVerifier;
  limiter: RateLimiter;
  audit: { push(entry: AuditEntry): void };
  metrics: Metrics;
  moduleEnabled: () => boolean;
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

async function guard(deps: GuardDeps, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const scope = req.routeOptions.config.scope;
  if (!scope) return undefined;
  const before = deps.verifier.misses;
  try {
    const key = await deps.verifier.verify(presentedKey(req));
    deps.metrics.keyCache.inc({ result: deps.verifier.misses > before ? 'miss' : 'hit' });
    req.apiKey = key;
    if (scope !== ANY_KEY && !hasScope(key, scope)) {
      throw new KgcError('insufficient_scope', `this endpoint needs scope ${scope}`, { extras: { required_scope: scope } });
    }
    if (scope.startsWith('support:') && !deps.moduleEnabled()) {
      throw new KgcError('support_module_disabled', 'the Support module is switched off on this server');
    }
    const rl = deps.limiter.take(key.id, key.rate);
    reply.header('ratelimit-limit', rl.limit).header('ratelimit-remaining', rl.remaining);
    if (!rl.allowed) {
      deps.metrics.rateLimited.inc();
      throw new KgcError('rate_limited', `rate limit of key ${key.id} exceeded`, { headers: { 'retry-after': String(rl.retryAfterSec) } });
    }
  } catch (err) {
    if (err instanceof KgcError) return sendProblem(req, reply, err);
    throw err;
  }
  return undefined;
}

export const apiGuard = fp<GuardDeps>(async (app: FastifyInstance, deps) => {
  app.decorateRequest('apiKey', null);
  app.decorateRequest('auditResource', null);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    const sent = await guard(deps, req, reply);
    if (sent) return sent;
    return undefined;
  });
  app.addHook('onResponse', async (req, reply) => {
    const url = req.routeOptions.url;
    if (!req.url.startsWith('/api/')) return;
    const route = url ?? '(unmatched)';
    const latencyMs = reply.elapsedTime;
    deps.metrics.httpRequests.inc({ route, method: req.method, status: String(reply.statusCode) });
    deps.metrics.httpDuration.observe({ route, method: req.method }, latencyMs / 1000);
    const resource = req.auditResource ?? req.routeOptions.config.auditResource?.(req) ?? null;
    deps.audit.push({
      at: new Date(deps.now()),
      requestId: String(req.id),
      keyId: req.apiKey?.id ?? null,
      method: req.method,
      route,
      resourceId: resource,
      status: reply.statusCode,
      latencyMs,
    });
  });
}, { name: 'kgc-api-guard' });
