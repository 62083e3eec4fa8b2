/**
 * The facts only the store knows: the queue and the DLQ, keys about to expire, the
 * webhook secret's age, the module switch. Read through the owning capabilities'
 * services; the daemon serves them (admin op, /api/support/health), and the CLI
 * reads them itself only from a PostgreSQL no daemon is watching.
 */
import { parseDuration } from '../config/duration.js';
import type { Ctx } from '../context/context.js';
import { eventStats } from '../events/events.service.js';
import { expiringKeys } from '../keys/keys.service.js';
import { getPluginState } from '../plugin/plugin.service.js';
import { listWebhookSecrets } from '../webhooks/secrets.service.js';
import type { HealthFacts, HealthFactsInput } from './health.schema.js';

/** The window of keys_expiring: the input's, else the warning level of KGC_SUPPORT_HEALTH_KEY_EXPIRY (else 14 days). */
export function keyExpiryWindowMs(ctx: Pick<Ctx, 'config'>, input: HealthFactsInput): number {
  if (input.key_expiry_within !== undefined)
    return parseDuration(input.key_expiry_within, 'key_expiry_within');
  const t = ctx.config.healthKeyExpiry;
  return t.warn ?? t.crit ?? 14 * 86_400_000;
}

export async function readHealthFacts(
  ctx: Ctx,
  input: HealthFactsInput = {},
): Promise<HealthFacts> {
  const windowMs = keyExpiryWindowMs(ctx, input);
  const now = ctx.clock.now();
  // At once: on PostgreSQL from the pool; the embedded store queues them on its one connection.
  const [events, keys, secrets, plugin] = await Promise.all([
    eventStats(ctx),
    expiringKeys(ctx, { within: `${Math.round(windowMs / 1000)}s` }),
    listWebhookSecrets(ctx),
    getPluginState(ctx),
  ]);
  const current = secrets.find((s) => s.status === 'current');
  return {
    time: new Date(now).toISOString(),
    module_enabled: plugin.enabled,
    events,
    key_expiry_window_s: Math.round(windowMs / 1000),
    // A rotated key's expiry is its planned grace period, not a warning.
    keys_expiring: keys
      .filter((k) => k.status === 'active')
      .map((k) => ({ id: k.id, name: k.name, expires_at: k.expires_at })),
    webhook_secret: current
      ? {
          id: current.id,
          source: current.source,
          created_at: current.created_at,
          age_s: Math.max(0, Math.round((now - Date.parse(current.created_at)) / 1000)),
        }
      : null,
  };
}
