/**
 * The daemon's `/ready` checks of what it works with but can do without for a
 * while: Support (the monitor's verdict) and Redis (REDIS_URL: the read cache and
 * the GDPR cascade). Either one away is reported as `warn`, naming it: the daemon
 * is degraded, keeps serving the ERP and retries; only the store fails `/ready`.
 * And the switches: SUPPORT_MODULE_ENABLED disagreeing with the stored switch warns.
 */
import { CAPABILITIES, type PluginState } from '../plugin/plugin.schema.js';
import type { LifecycleView } from './health.schema.js';
import { redisPing, type RedisOutcome } from './probes/redis.js';

export interface DependencyCheck {
  status: 'pass' | 'warn';
  detail: string;
}

/** Support as the monitor last saw it: DOWN or DEGRADED is a warning. */
export function supportCheck(view: LifecycleView): DependencyCheck {
  if (view.state === 'DOWN' || view.state === 'DEGRADED')
    return {
      status: 'warn',
      detail: `Support ${view.state}: ${view.detail} (webhooks are held and retried)`,
    };
  return { status: 'pass', detail: `Support ${view.state}` };
}

/** PING's reply as the probe reads it off the wire: the RESP simple string `+PONG`. */
export const PONG_REPLY = '+PONG';

/**
 * The switches as the daemon applies them: the module, each capability switched off,
 * and whether SUPPORT_MODULE_ENABLED agrees with the stored switch (a warning when not,
 * with the rule that decides).
 */
export function switchCheck(s: PluginState): DependencyCheck {
  const off = CAPABILITIES.filter((c) => !s.capabilities[c].enabled);
  const state = `module ${s.enabled ? 'on' : 'off'}${off.length > 0 ? `, ${off.join(', ')} off` : ''}`;
  return s.environment.agrees
    ? { status: 'pass', detail: state }
    : { status: 'warn', detail: `${state}; ${s.environment.detail}` };
}

export function redisCheck(o: RedisOutcome): DependencyCheck {
  if (o.kind === 'answer' && o.reply === PONG_REPLY)
    return { status: 'pass', detail: `Redis answers (${o.ms} ms)` };
  const why = o.kind === 'answer' ? o.reply : o.error;
  return {
    status: 'warn',
    detail: `Redis unreachable: ${why} (the cache is skipped, GDPR Redis steps are retried)`,
  };
}

/**
 * A Redis check that pings at most every `everyMs` (a container healthcheck asks
 * /ready often), within `timeoutMs`.
 */
export function cachedRedisCheck(
  url: string,
  opts: { everyMs?: number; timeoutMs?: number; now?: () => number } = {},
): () => Promise<DependencyCheck> {
  const everyMs = opts.everyMs ?? 5_000;
  const now = opts.now ?? Date.now;
  let last: { at: number; check: DependencyCheck } | undefined;
  let running: Promise<DependencyCheck> | undefined;
  return async () => {
    if (last && now() - last.at < everyMs) return last.check;
    running ??= redisPing(url, { timeoutMs: opts.timeoutMs ?? 1_000 })
      .then((o) => {
        last = { at: now(), check: redisCheck(o) };
        return last.check;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
}
