/**
 * The daemon's Prometheus metrics: one registry per daemon (tests run several),
 * created here and handed to whoever records. Capabilities register their own
 * metrics on `registry` (prefix kgc_support_).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { FastCounter, FastHistogram } from './fast-series.js';

export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: FastCounter;
  readonly httpDuration: FastHistogram;
  readonly auditWritten: Counter;
  readonly auditDropped: Counter;
  readonly auditPending: Gauge;
  readonly keyCache: Counter<'result'>;
  readonly rateLimited: Counter;
  readonly moduleEnabled: Gauge;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: 'kgc_support_' });
    // prom-client names three gauges `_total`, a suffix Prometheus keeps for counters
    // (`promtool check metrics` refuses them). The same counts stay as the gauges
    // by type (nodejs_active_handles{type=…} and the others): sum() gives the total.
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ]) {
      registry.removeSingleMetric(`kgc_support_${name}`);
    }
  }
  const registers = [registry];
  return {
    registry,
    httpRequests: new FastCounter(
      'kgc_support_http_requests_total',
      'Pull API requests by route pattern, method and status',
      registry,
    ),
    httpDuration: new FastHistogram(
      'kgc_support_http_request_duration_seconds',
      'Pull API latency by route pattern',
      registry,
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ),
    auditWritten: new Counter({
      name: 'kgc_support_audit_rows_written_total',
      help: 'Audit rows written',
      registers,
    }),
    auditDropped: new Counter({
      name: 'kgc_support_audit_rows_dropped_total',
      help: 'Audit rows dropped because the database was unreachable too long',
      registers,
    }),
    auditPending: new Gauge({
      name: 'kgc_support_audit_rows_pending',
      help: 'Audit rows buffered, not yet written',
      registers,
    }),
    keyCache: new Counter({
      name: 'kgc_support_api_key_cache_total',
      help: 'API key lookups by cache result',
      labelNames: ['result'],
      registers,
    }),
    rateLimited: new Counter({
      name: 'kgc_support_rate_limited_total',
      help: 'Requests refused by the per-key rate limit',
      registers,
    }),
    moduleEnabled: new Gauge({
      name: 'kgc_support_module_enabled',
      help: '1 while the Support module is enabled',
      registers,
    }),
  };
}
