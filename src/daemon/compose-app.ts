/**
 * The composition root of the Pull API: the one place that lists every route the daemon
 * serves on TCP (the ERP reads, events, customer erasure, Support's health, the admin
 * page, the OpenAPI document, /health, /ready and /metrics) and builds what they share:
 * the key verifier, the audit writer, the rate limiter and the group-commit ingest. The
 * daemon listens on what this returns; the tests inject into the same thing, so a route
 * or a hook wired here cannot be missing from either.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyServerOptions } from 'fastify';
import { buildApiApp, mount, type Routes } from '../api/app.js';
import { openApiRoutes } from '../api/openapi.js';
import { defaultRates, RateLimiter } from '../api/rate-limit.js';
import { customerErasureRoutes } from '../api/routes/customer-erasure.js';
import { customerRoutes } from '../api/routes/customers.js';
import { eventRoutes } from '../api/routes/events.js';
import { healthRoutes, type ReadinessCheck } from '../api/routes/health.js';
import { inventoryRoutes } from '../api/routes/inventory.js';
import { orderRoutes } from '../api/routes/orders.js';
import { rentalRoutes } from '../api/routes/rentals.js';
import { serviceRoutes } from '../api/routes/service.js';
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
  /** A new event was stored through POST /api/events (the daemon counts it). */
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

/** What the routes share, built once per app. */
interface Shared {
  ingest: IngestBatcher;
  audit: AuditWriter;
}

/** Every route of the Pull API, in the order registered. A new route file is added here. */
function allRoutes(parts: ApiParts, shared: Shared): Routes[] {
  const { ctx, metrics } = parts;
  // The read routes are TypeBox-typed plugins over { ctx }; Fastify registers them as plain ones.
  const reads = [customerRoutes, rentalRoutes, serviceRoutes, orderRoutes, inventoryRoutes];
  const withCtx = (p: unknown): Routes => mount(p as FastifyPluginAsync<{ ctx: Ctx }>, { ctx });
  return [
    ...reads.map(withCtx),
    withCtx(
      eventRoutes({
        publish: (input) => shared.ingest.publish(input),
        onPublished: (e) => {
          parts.onPublished?.(e);
          if (e.event === 'customer.deleted') void parts.erasures.intake().catch(() => {});
        },
      }),
    ),
    withCtx(
      customerErasureRoutes({
        erase: (input) => parts.erasures.fromApi(input),
        exportCustomer: (input) => parts.erasures.exportCustomer(input),
      }),
    ),
    withCtx(supportHealthRoutes(parts.lifecycle)),
    withCtx(adminUiRoutes({ admin: parts.adminApi ?? (() => undefined) })),
    mount(openApiRoutes, {}),
    mount(healthRoutes, {
      metrics,
      readiness: parts.readiness,
      moduleEnabled: parts.moduleEnabled,
      beforeMetrics: () => metrics.auditPending.set(shared.audit.pending),
      live: parts.live,
    }),
  ];
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
      ctx,
      verifier,
      audit,
      metrics,
      limiter: new RateLimiter(ctx.clock, defaultRates(ctx.config)),
      moduleEnabled: parts.moduleEnabled,
      ...(parts.capabilityEnabled ? { capabilityEnabled: parts.capabilityEnabled } : {}),
      logger: parts.logger ?? false,
      routes: allRoutes(parts, { ingest, audit }),
    });
    return { app, verifier, audit };
  } catch (err) {
    await audit.close().catch(() => {});
    throw err;
  }
}
