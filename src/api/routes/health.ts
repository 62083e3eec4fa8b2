/** Liveness, readiness and Prometheus metrics: no key needed, nothing personal in them. */
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../metrics/metrics.js';
import { PUBLIC } from '../auth.js';

export interface ReadinessReport {
  status: 'pass' | 'fail';
  /** `warn`: a dependency the daemon can do without for a while is away (it does not fail /ready). */
  checks: Record<
    string,
    { status: 'pass' | 'warn' | 'fail'; detail?: string; latency_ms?: number }
  >;
}

export type ReadinessCheck = () => Promise<ReadinessReport>;

export interface HealthRouteOptions {
  metrics: Metrics;
  readiness: ReadinessCheck | undefined;
  moduleEnabled: () => boolean;
  beforeMetrics?: (() => void) | undefined;
  /** False while the daemon starts and once it shuts down: /health and /ready answer 503 then. */
  live?: (() => boolean) | undefined;
}

export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, opts) => {
  const live = opts.live ?? (() => true);

  // No key: the explicit marker the guard requires of a route outside /api.
  const open = { config: { scope: PUBLIC } } as const;

  /** The route's options with its line in /openapi.json (docs/api.md). */
  const described = (summary: string) => ({ ...open, schema: { summary } });

  // Liveness for the container healthcheck: it never passes for a daemon that cannot serve.
  app.get(
    '/health',
    described(
      'Liveness: 200 while the daemon serves, also while it waits for its database at start; 503 while it starts or shuts down',
    ),
    async (_req, reply) => {
      reply.header('cache-control', 'no-store').type('application/health+json');
      if (!live())
        return reply.code(503).send({
          status: 'fail',
          output: 'the daemon is starting or shutting down',
          module_enabled: opts.moduleEnabled(),
        });
      return { status: 'pass', module_enabled: opts.moduleEnabled() };
    },
  );

  app.get(
    '/ready',
    described(
      'Readiness: 200 when the database, its disk and the ERP contract pass, else 503 naming what fails; warnings (Support, Redis, the module switch) do not fail it',
    ),
    async (_req, reply) => {
      const report: ReadinessReport = !live()
        ? {
            status: 'fail',
            checks: {
              daemon: { status: 'fail', detail: 'the daemon is starting or shutting down' },
            },
          }
        : opts.readiness
          ? await opts.readiness()
          : { status: 'pass', checks: {} };
      reply.header('cache-control', 'no-store').type('application/health+json');
      return reply.code(report.status === 'pass' ? 200 : 503).send(report);
    },
  );

  app.get(
    '/metrics',
    described('Prometheus metrics, in the text exposition format'),
    async (_req, reply) => {
      opts.metrics.moduleEnabled.set(opts.moduleEnabled() ? 1 : 0);
      opts.beforeMetrics?.();
      reply.type(opts.metrics.registry.contentType);
      return opts.metrics.registry.metrics();
    },
  );
};
