/**
 * The Pull API's Fastify instance without listening, so tests drive it in-process with
 * inject() and the daemon listens separately: its server options, hooks, problem
 * documents, the OpenAPI generator and the key guard, then the routes it is given.
 * Which routes those are is decided in one place, the composition root
 * (daemon/compose-app.ts), which the daemon and the tests both call.
 */
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import type { AuditEntry } from '../audit/audit.service.js';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import type { KeyVerifier } from '../keys/key-verifier.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Capability } from '../plugin/plugin.schema.js';
import { apiGuard } from './auth.js';
import { registerOpenApi } from './openapi.js';
import { errorHandler, notFoundHandler, sendProblem } from './problem.js';
import type { RateLimiter } from './rate-limit.js';

export interface ApiDeps {
  ctx: Ctx;
  verifier: KeyVerifier;
  limiter: RateLimiter;
  audit: { push(entry: AuditEntry): void };
  metrics: Metrics;
  moduleEnabled: () => boolean;
  /** Whether a capability (booking) is switched on; default: every one is. */
  capabilityEnabled?: (c: Capability) => boolean;
  /** A pino logger for Fastify; false for none (tests). */
  logger?: FastifyServerOptions['loggerInstance'] | false;
  /** Every route, in the order registered, each declaring its scope (the guard refuses one that does not). */
  routes: readonly Routes[];
}

/** One group of routes, registered on the app with its options bound. */
export type Routes = (app: FastifyInstance) => Promise<void>;

/** Binds a route plugin to its options, for the list the composition root hands over. */
export const mount =
  <O extends object>(plugin: FastifyPluginAsync<O>, opts: O): Routes =>
  async (app) => {
    await app.register(plugin, opts);
  };

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
const NUL_IN_URL = /%00|\u0000/i;

export async function buildApiApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.ctx.config.bodyLimit,
    // One line per request would halve throughput; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    ajv: {
      customOptions: {
        removeAdditional: true,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
      },
    },
    return503OnClosing: true,
    // The router's own refusals (a path segment that is not UTF-8, or longer than any
    // id) are problem documents like every other error.
    frameworkErrors: (err, req, reply) => {
      sendProblem(
        req,
        reply,
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new KgcError('invalid_id', 'a path segment is longer than any identifier')
          : new KgcError('bad_request', 'the URL is not valid (a %-escape that is not UTF-8)'),
      );
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON only: a text/plain body is refused with 415 rather than read as a string.
  app.removeContentTypeParser('text/plain');
  // While shutting down, a request that was in flight gets its answer and then
  // its connection is closed, so close() never waits on a kept-alive socket.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // A NUL in a path or query value can reach no valid resource, and PostgreSQL
  // refuses it in text: refused here, before it could fail a statement (or the
  // audit batch that records the request) with a 500.
  app.addHook('onRequest', async (req) => {
    if (NUL_IN_URL.test(req.url))
      throw new KgcError('bad_request', 'the URL holds a NUL character (%00)');
  });
  // Before every route, so that /openapi.json describes them all.
  await registerOpenApi(app);
  await app.register(apiGuard, {
    verifier: deps.verifier,
    limiter: deps.limiter,
    audit: deps.audit,
    metrics: deps.metrics,
    moduleEnabled: deps.moduleEnabled,
    capabilityEnabled: deps.capabilityEnabled ?? (() => true),
    now: () => deps.ctx.clock.now(),
  });
  for (const routes of deps.routes) await routes(app);
  return app;
}
