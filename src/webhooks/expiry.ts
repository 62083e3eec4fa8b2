/**
 * Dead-letters what is too old to be delivered as if new (KGC_SUPPORT_EVENT_MAX_AGE; issue
 * 12: a "ready for pickup" 20 days late). Run by the dispatcher before it claims, whenever
 * new work may be due; `dlq replay` sends such an event anyway.
 */
import { formatDuration } from '../config/duration.js';
import type { Ctx } from '../context/context.js';
import type { Logger } from '../context/logger.js';
import * as sql from './dispatch.queries.js';
import type { WebhookMetrics } from './webhooks.metrics.js';

export async function expireTooOld(
  ctx: Pick<Ctx, 'db' | 'clock' | 'config'>,
  log: Logger,
  metrics?: WebhookMetrics,
): Promise<void> {
  const now = ctx.clock.now();
  const maxAge = ctx.config.eventMaxAgeMs;
  const reason = `expired: occurred more than ${formatDuration(maxAge)} ago (KGC_SUPPORT_EVENT_MAX_AGE), not sent as if new; kgc-support dlq replay sends it anyway`;
  const { rows } = await ctx.db.query<{ id: string; type: string }>(sql.EXPIRE, [
    new Date(now),
    new Date(now - maxAge),
    reason,
  ]);
  for (const r of rows) {
    metrics?.deadLettered.inc({ event: r.type, reason: 'expired' });
    log.warn(
      { eventId: r.id, event: r.type },
      'webhook dead-lettered: expired (older than KGC_SUPPORT_EVENT_MAX_AGE)',
    );
  }
}
