/**
 * What an attempt's answer means for its event (DESIGN.md 6): 2xx is delivered and
 * nothing else is; 410 Gone ends the retries at once; any other answer is a failure
 * retried after the schedule's next delay (±jitter), at least as late as Retry-After
 * on 429 and 503; after the schedule's last attempt the event is dead-lettered.
 */
import type { Random } from '../context/clock.js';

/** A Retry-After longer than this is not waited for; the schedule goes on. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export type Decision =
  | { outcome: 'delivered' }
  | { outcome: 'retry'; delayMs: number }
  | { outcome: 'dead'; reason: string };

export interface RetryPolicy {
  /** Delay before each attempt, the first included: [0, 5s, 5m, 30m]. */
  schedule: readonly number[];
  jitterPct: number;
  random: Pick<Random, 'int'>;
}

export function withJitter(ms: number, pct: number, random: Pick<Random, 'int'>): number {
  if (ms <= 0 || pct <= 0) return Math.max(0, ms);
  const u = random.int(2001) / 1000 - 1; // -1 … 1
  return Math.max(0, Math.round(ms * (1 + (u * pct) / 100)));
}

/** Support refused the signature (401, 403): during a secret rotation, a receiver still switching. */
export const refusedSignature = (status: number | null): boolean =>
  status === 401 || status === 403;

/**
 * `failures` is how many attempts had failed before this one. `switching`: a webhook
 * secret rotation is under way (a secret pending or in its grace); a signature refused
 * then is retried (at the schedule's last delay once it is exhausted), never
 * dead-lettered, since the receiver is expected to catch up with the rotation.
 */
export function decide(
  status: number | null,
  retryAfterMs: number | null,
  failures: number,
  policy: RetryPolicy,
  switching = false,
): Decision {
  if (status !== null && status >= 200 && status < 300) return { outcome: 'delivered' };
  if (status === 410) return { outcome: 'dead', reason: 'Support answered 410 Gone: no retries' };
  const failed = failures + 1;
  const last = policy.schedule.length - 1;
  if (failed > last && !(switching && refusedSignature(status) && last > 0))
    return { outcome: 'dead', reason: `failed ${failed} attempt(s): retries exhausted` };
  let delayMs = withJitter(
    policy.schedule[Math.min(failed, last)] ?? 0,
    policy.jitterPct,
    policy.random,
  );
  if (
    (status === 429 || status === 503) &&
    retryAfterMs !== null &&
    retryAfterMs <= MAX_RETRY_AFTER_MS
  ) {
    delayMs = Math.max(delayMs, retryAfterMs);
  }
  return { outcome: 'retry', delayMs };
}
