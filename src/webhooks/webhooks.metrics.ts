/**
 * The webhook metrics, registered on the daemon's registry. Queue gauges are read
 * from the store when /metrics is scraped (one small query, cached for a second),
 * so they are true across several daemons on one PostgreSQL.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { EventStats } from '../events/events.schema.js';

export interface WebhookMetrics {
  readonly published: Counter<'event' | 'source' | 'status'>;
  /** Events put in the DLQ by this daemon: rejected (off its schema), expired (too old), failed (retries exhausted). */
  readonly deadLettered: Counter<'event' | 'reason'>;
  readonly deliveries: Counter<'outcome'>;
  readonly attemptDuration: Histogram;
  readonly deliveryLatency: Histogram;
  readonly inFlight: Gauge;
  readonly supportReachable: Gauge;
}

export function createWebhookMetrics(
  registry: Registry,
  stats: () => Promise<EventStats>,
): WebhookMetrics {
  const registers = [registry];
  let cached: { at: number; value: Promise<EventStats> } | undefined;
  const read = (): Promise<EventStats> => {
    const now = Date.now();
    if (!cached || now - cached.at > 1_000)
      cached = {
        at: now,
        value: stats().catch(() => ({
          pending: 0,
          in_flight: 0,
          dead: 0,
          rejected: 0,
          oldest_pending_at: null,
          oldest_pending_age_s: null,
        })),
      };
    return cached.value;
  };
  const fromStats = (name: string, help: string, pick: (s: EventStats) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        this.set(pick(await read()));
      },
    });
  fromStats(
    'kgc_support_events_pending',
    'Queue depth: events waiting for delivery (in flight included)',
    (s) => s.pending,
  );
  fromStats('kgc_support_events_dead', 'DLQ depth: dead-lettered events', (s) => s.dead);
  fromStats(
    'kgc_support_events_rejected',
    'Outbox rows refused by their schema (in the DLQ, never sent)',
    (s) => s.rejected,
  );
  fromStats(
    'kgc_support_events_oldest_pending_age_seconds',
    'Age of the oldest undelivered event; 0 when none',
    (s) => s.oldest_pending_age_s ?? 0,
  );
  return {
    published: new Counter({
      name: 'kgc_support_events_published_total',
      help: 'Events accepted, by type, source (api, outbox, cli, daemon) and initial status (pending, skipped, rejected)',
      labelNames: ['event', 'source', 'status'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'kgc_support_events_dead_lettered_total',
      labelNames: ['event', 'reason'],
      registers,
      help: 'Events put in the DLQ, by type and reason: rejected (payload off its schema, kept), expired (older than KGC_SUPPORT_EVENT_MAX_AGE), failed (retries exhausted)',
    }),
    deliveries: new Counter({
      name: 'kgc_support_webhook_attempts_total',
      help: 'Delivery attempts by outcome: delivered, retry, dead, held (Support unreachable)',
      labelNames: ['outcome'],
      registers,
    }),
    attemptDuration: new Histogram({
      name: 'kgc_support_webhook_attempt_duration_seconds',
      help: 'Duration of one webhook POST',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    deliveryLatency: new Histogram({
      name: 'kgc_support_webhook_delivery_latency_seconds',
      help: 'From publish to the 2xx of Support (retries included)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300, 1800, 7200],
      registers,
    }),
    inFlight: new Gauge({
      name: 'kgc_support_webhook_in_flight',
      help: 'Deliveries this daemon has in flight',
      registers,
    }),
    supportReachable: new Gauge({
      name: 'kgc_support_webhook_support_reachable',
      help: '0 while deliveries are held because Support is unreachable',
      registers,
    }),
  };
}
