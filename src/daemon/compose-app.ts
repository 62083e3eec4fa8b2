/**
 * The one place the Pull API is put together: the key verifier, the audit writer,
 * the rate limiter, the group-commit ingest and every route the daemon serves. The
 * daemon listens on what this returns; the tests inject into the same thing, so a
 * route or a hook wired here cannot be missing from either.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyServerOptions } from 'fastify';
import { buildApiApp } from '../api/app.js';
import { defaultRates, RateLimiter } from '../api/rate-limit.js';
import { customerErasureRoutes } from '../api/routes/customer-erasure.js';
import { eventRoutes } from '../api/routes/events.js';
import type { ReadinessCheck } from '../api/routes/health.js';
import { supportHealthRoutes } from '../api/routes/support-health.js';
import { adminUiRoutes } from '../admin-ui/routes.js';
import { AuditWriter } from '../audit/audit-writer.js';
import type { Ctx } from '../context/context.js';
import type { EventInfo } from '../events/events.schema.js';
import { IngestBatcher } from '../events/ingest-batcher.js';
import type { ErasureWorker } from '../gdpr/worker.js';
import type { LifecycleView } from '../health/health.schema.js';
import { KeyVerifier } from '../keys/key-verifier.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Capability } from '../plugin/plugin.schema.js';

export interface ApiParts {
  ctx: Ctx;
  metrics: Metrics;
  moduleEnabled: () => boolean;
  /** Whether a capability (booking) is switched on; default: every one is. */
  capabilityEnabled?: (c: Capability) => boolean;
  /** The GDPR cascade's doors: DELETE /api/customers/{id}, and the intake of customer.deleted. */
  erasures: Pick<ErasureWorker, 'fromApi' | 'intake' | 'exportCustomer'>;
  /** The Support module's lifecycle, as GET /api/support/health tells it. */
  lifecycle: () => LifecycleView;
  /** A new event was stored through POST /api/events (the daemon counts it and wakes its dispatcher). */
  onPublished?: (e: EventInfo) => void;
  /** Whether the daemon serves (/health); default always. */
  live?: () => boolean;
  readiness?: ReadinessCheck;
  /** A pino logger for Fastify; false for none. */
  logger?: FastifyServerOptions['loggerInstance'] | false;
  /** The admin API (the CLI's door), which the admin page (/admin) calls; undefined while it is built. */
  adminApi?: () => FastifyInstance | undefined;
  /** Audit flush interval; default KGC_SUPPORT_AUDIT_FLUSH_MS. */
  auditFlushMs?: number;
}

export interface ComposedApi {
  app: FastifyInstance;
  verifier: KeyVerifier;
  audit: AuditWriter;
}

/** The routes the Pull API serves besides its built-in reads, in the order they are registered. */
export function apiRoutes(
  parts: Pick<ApiParts, 'erasures' | 'lifecycle' | 'onPublished' | 'adminApi'>,
  ingest: IngestBatcher,
): FastifyPluginAsync<{ ctx: Ctx }>[] {
  return [
    eventRoutes({
      publish: (input) => ingest.publish(input),
      onPublished: (e) => {
        parts.onPublished?.(e);
        if (e.event === 'customer.deleted') void parts.erasures.intake().catch(() => {});
      },
    }),
    customerErasureRoutes({
      erase: (input) => parts.erasures.fromApi(input),
      exportCustomer: (input) => parts.erasures.exportCustomer(input),
    }),
    supportHealthRoutes(parts.lifecycle),
    adminUiRoutes({ admin: parts.adminApi ?? (() => undefined) }),
  ] as FastifyPluginAsync<{ ctx: Ctx }>[];
}

export async function composeApi(parts: ApiParts): Promise<ComposedApi> {
  const { ctx, metrics } = parts;
  const verifier = new KeyVerifier(ctx);
  const audit = new AuditWriter(ctx, {
    flushMs: parts.auditFlushMs ?? ctx.config.auditFlushMs,
    onFlush: (rows) => metrics.auditWritten.inc(rows),
    onDrop: (rows) => metrics.auditDropped.inc(rows),
  });
  try {
    // Concurrent POST /api/events share one statement and one commit (group commit).
    const ingest = new IngestBatcher(ctx, 'api');
    const app = await buildApiApp({
      beforeMetrics: () => metrics.auditPending.set(audit.pending),
      ctx,
      verifier,
      audit,
      metrics,
      limiter: new RateLimiter(ctx.clock, defaultRates(ctx.config)),
      moduleEnabled: parts.moduleEnabled,
      ...(parts.capabilityEnabled ? { capabilityEnabled: parts.capabilityEnabled } : {}),
      logger: parts.logger ?? false,
      ...(parts.live ? { live: parts.live } : {}),
      ...(parts.readiness ? { readiness: parts.readiness } : {}),
      extraRoutes: apiRoutes(parts, ingest),
    });
    return { app, verifier, audit };
  } catch (err) {
    await audit.close().catch(() => {});
    throw err;
  }
}
