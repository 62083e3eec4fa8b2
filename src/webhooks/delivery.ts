/**
 * One delivery attempt of a claimed event, and what it means (DESIGN.md 6): signed
 * afresh, POSTed, and turned into the Outcome the Settler writes. An attempt without
 * any answer asks the Breaker whether Support is down; if so it is held (not counted
 * against the schedule). Shared by both queues.
 */
import type { Ctx } from '../context/context.js';
import type { Logger } from '../context/logger.js';
import { webhookUrl } from '../events/catalogue.js';
import { childTraceparent, traceIdOf } from '../events/trace.js';
import type { Breaker } from './breaker.js';
import type { Claimed } from './queue/queue.js';
import { decide, type RetryPolicy } from './schedule.js';
import type { Sender } from './sender.js';
import type { Outcome } from './settler.js';
import type { Signer } from './signature.js';
import { deliveryHeaders } from './headers.js';
import type { WebhookMetrics } from './webhooks.metrics.js';

export interface DeliveryDeps {
  ctx: Ctx;
  log: Logger;
  baseUrl: string;
  sender: Sender;
  breaker: Breaker;
  policy: RetryPolicy;
  signer: () => Signer | Promise<Signer>;
  metrics?: WebhookMetrics;
}

export async function deliverOnce(d: DeliveryDeps, row: Claimed): Promise<Outcome> {
  const { ctx, breaker, metrics: m } = d;
  const url = webhookUrl(d.baseUrl, ctx.config.webhookPath, row.type);
  const s = await d.signer();
  const traceparent = childTraceparent(row.traceparent, ctx.random);
  const res = await d.sender.post(
    url,
    deliveryHeaders({
      supportApiKey: ctx.config.supportApiKey,
      signer: s,
      id: row.id,
      body: row.body,
      timestampSec: Math.floor(ctx.clock.now() / 1000),
      traceparent,
      requestId: row.request_id,
    }),
    row.body,
  );
  m?.attemptDuration.observe(res.durationMs / 1000);
  const at = new Date(ctx.clock.now());
  const base = {
    id: row.id,
    attempt: row.attempts,
    at,
    url,
    httpStatus: res.status,
    durationMs: res.durationMs,
    response: res.response,
    error: res.error,
  };
  let outcome: Outcome;
  if (res.status === null && (await breaker.unreachable())) {
    outcome = { ...base, status: 'pending', runAt: at, failed: 0, outcome: 'held' };
  } else {
    if (res.status !== null) breaker.reachable();
    const decision = decide(res.status, res.retryAfterMs, row.failures, d.policy, s.switching);
    if (decision.outcome === 'delivered') {
      outcome = { ...base, status: 'delivered', runAt: null, failed: 0, outcome: 'delivered' };
      m?.deliveryLatency.observe((at.getTime() - row.created_ms) / 1000);
    } else if (decision.outcome === 'retry') {
      const runAt = new Date(at.getTime() + decision.delayMs);
      outcome = { ...base, status: 'pending', runAt, failed: 1, outcome: 'retry' };
    } else {
      outcome = {
        ...base,
        status: 'dead',
        runAt: null,
        failed: 1,
        outcome: 'dead',
        error: res.error ?? decision.reason,
      };
      d.log.warn(
        {
          eventId: row.id,
          event: row.type,
          status: res.status,
          traceId: traceIdOf(traceparent),
          requestId: row.request_id,
        },
        `webhook dead-lettered: ${decision.reason}`,
      );
      m?.deadLettered.inc({ event: row.type, reason: 'failed' });
    }
  }
  d.log.debug(
    {
      eventId: row.id,
      event: row.type,
      attempt: row.attempts,
      outcome: outcome.outcome,
      status: res.status,
      traceId: traceIdOf(traceparent),
      requestId: row.request_id,
    },
    'webhook attempt',
  );
  m?.deliveries.inc({ outcome: outcome.outcome });
  return outcome;
}
