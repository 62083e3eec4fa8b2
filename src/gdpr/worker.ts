/**
 * The daemon's side of the cascade: it resumes partial requests when they are due
 * (each run doubles the wait, KGC_GDPR_RETRY_INTERVAL first, at most 6 h) and takes
 * over requests whose runner died (lease over), one at a time; and it starts the
 * cascade when the ERP publishes customer.deleted (`fromEvent`, for the intake).
 */
import type { Ctx } from '../context/context.js';
import { runErasure } from './cascade.js';
import { createErasureDeps, type ErasureDeps } from './deps.js';
import * as sql from './gdpr.queries.js';
import { startErasureFromEvent, type EventErasure } from './gdpr.service.js';

export interface ErasureWorker {
  /** The ERP published customer.deleted: record (once per event id) and run the cascade in the background. */
  fromEvent(e: { eventId: string; customerId: string; reason: string }): Promise<EventErasure>;
  /** Runs the requests that are due now; resolves to how many it ran. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export interface ErasureWorkerOptions {
  /** Given by tests; otherwise built from the configuration (one Redis connection for the daemon). */
  deps?: ErasureDeps;
  /** How often to look for due requests (default: the retry interval, at most 30 s). */
  pollMs?: number;
}

export function startErasureWorker(ctx: Ctx, opts: ErasureWorkerOptions = {}): ErasureWorker {
  const deps = opts.deps ?? createErasureDeps(ctx);
  const inFlight = new Set<Promise<unknown>>();
  let sweeping: Promise<number> | undefined;
  let closed = false;
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.catch(() => {}).finally(() => inFlight.delete(p));
    return p;
  };

  const sweepOnce = async (): Promise<number> => {
    const { rows } = await ctx.db.query<{ id: string }>(sql.DUE_REQUESTS, [new Date(ctx.clock.now()), 20]);
    let ran = 0;
    for (const { id } of rows) {
      if (closed) break;
      try {
        const view = await track(runErasure(ctx, deps, id));
        ran++;
        ctx.logger.info({ request: id, state: view.state }, 'erasure request resumed by the daemon');
      } catch (err) {
        // Busy (another runner has it) or the store failed: the next sweep looks again.
        ctx.logger.warn({ request: id, err: (err as Error).message }, 'erasure request not resumed');
      }
    }
    return ran;
  };
  const sweep = (): Promise<number> => {
    sweeping ??= sweepOnce().finally(() => { sweeping = undefined; });
    return sweeping;
  };

  const timer = setInterval(() => { void sweep().catch((err) => ctx.logger.warn({ err: (err as Error).message }, 'erasure sweep failed')); },
    opts.pollMs ?? Math.min(ctx.config.gdprRetryEveryMs, 30_000));
  timer.unref();
  // Soon after boot: what a killed runner left behind, what fell due while the daemon was down.
  const first = setTimeout(() => { void sweep().catch(() => {}); }, 1_000);
  first.unref();

  return {
    async fromEvent(e) {
      const started = await startErasureFromEvent(ctx, deps, e);
      if (started.done) track(started.done);
      return started;
    },
    sweep,
    async close() {
      closed = true;
      clearInterval(timer);
      clearTimeout(first);
      await Promise.allSettled([...inFlight]);
      if (!opts.deps) await deps.close();
    },
  };
}
