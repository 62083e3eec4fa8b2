/**
 * The daemon's retention job: prunes soon after the start, then every
 * KGC_SUPPORT_RETENTION_INTERVAL, and tells /ready how it goes: a run that failed, or
 * no successful run for three intervals, is a warning (the daemon keeps serving; the
 * disk and the storage limit are what suffer). Times come from ctx.clock.
 */
import type { Ctx } from '../context/context.js';
import { formatDuration } from '../config/duration.js';
import { pruneExpired } from './retention.service.js';
import type { PruneResult } from './retention.schema.js';

export interface RetentionCheck {
  readonly status: 'pass' | 'warn';
  readonly detail: string;
}

export interface RetentionJob {
  /** Starts the timers; returns the function that stops them (and waits for a run under way). */
  start(firstRunMs?: number): () => Promise<void>;
  /** Prunes now (the timers' run, or a test's). */
  runNow(): Promise<PruneResult>;
  /** The job as /ready reports it. */
  check(): RetentionCheck;
}

const total = (r: PruneResult) => Object.values(r.deleted).reduce((a, b) => a + b, 0);

export function retentionJob(ctx: Pick<Ctx, 'db' | 'clock' | 'config' | 'logger'>): RetentionJob {
  const every = ctx.config.retentionIntervalMs;
  const createdAt = ctx.clock.now();
  let last: PruneResult | undefined;
  let lastOkAt: number | undefined;
  let lastError: string | undefined;
  let running: Promise<PruneResult> | undefined;

  const runNow = (): Promise<PruneResult> => {
    running ??= pruneExpired(ctx)
      .then((r) => {
        last = r;
        if (r.ok) {
          lastOkAt = ctx.clock.now();
          lastError = undefined;
        } else lastError = `could not prune ${Object.keys(r.errors).join(', ')}`;
        return r;
      })
      .catch((err: unknown) => {
        lastError = `the store failed (${(err as { code?: string }).code ?? (err as Error).message})`;
        throw err;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  return {
    runNow,
    start(firstRunMs = Math.min(5_000, every)) {
      const tick = () => {
        void runNow().catch((err: unknown) =>
          ctx.logger.warn({ err: (err as Error).message }, 'retention run failed'),
        );
      };
      const first = setTimeout(tick, firstRunMs);
      const timer = setInterval(tick, every);
      first.unref();
      timer.unref();
      return async () => {
        clearTimeout(first);
        clearInterval(timer);
        await running?.catch(() => undefined);
      };
    },
    check() {
      const now = ctx.clock.now();
      if (lastError !== undefined)
        return { status: 'warn', detail: `retention: the last run failed: ${lastError}` };
      const since = lastOkAt ?? createdAt;
      if (now - since > 3 * every)
        return {
          status: 'warn',
          detail: `retention: no successful run for ${formatDuration(now - since)} (every ${formatDuration(every)})`,
        };
      if (!last)
        return {
          status: 'pass',
          detail: `retention: first run soon, then every ${formatDuration(every)}`,
        };
      return {
        status: 'pass',
        detail: `retention: last run ${last.ran_at}, ${total(last)} record(s) past their period deleted; every ${formatDuration(every)}`,
      };
    },
  };
}
