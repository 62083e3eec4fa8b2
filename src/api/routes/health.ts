/** Liveness, readiness and Prometheus metrics: no key needed, nothing personal in them. */
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../metrics/metrics.js';

export interface ReadinessReport {
  status: 'pass' | 'fail';
  checks: Record<string, { status: 'pass' | 'fail'; detail?: string; latency_ms?: number }>;
}

export type ReadinessCheck = () => Promise<ReadinessReport>;

export const healthRoutes: FastifyPluginAsync<{ metrics: Metrics; readiness: ReadinessCheck | undefined; moduleEnabled: () => boolean; beforeMetrics?: (() => void) | undefined }> = async (app, opts) => {
  app.get('/health', async (_req, reply) => {
    reply.header('cache-control', 'no-store').type('application/health+json');
    return { status: 'pass', module_enabled: opts.moduleEnabled() };
  });

  app.get('/ready', async (_req, reply) => {
    const report: ReadinessReport = opts.readiness ? await opts.readiness() : { status: 'pass', checks: {} };
    reply.header('cache-control', 'no-store').type('application/health+json');
    return reply.code(report.status === 'pass' ? 200 : 503).send(report);
  });

  app.get('/metrics', async (_req, reply) => {
    opts.metrics.moduleEnabled.set(opts.moduleEnabled() ? 1 : 0);
    opts.beforeMetrics?.();
    reply.type(opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
};
