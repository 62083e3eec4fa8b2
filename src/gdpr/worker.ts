/**
 * The daemon's side of the cascade: it resumes partial requests when they are due
 * (each run doubles the wait, KGC_GDPR_RETRY_INTERVAL first, at most 6 h) and takes
 * over requests whose runner died (lease over), one at a time; and it starts the
 * cascade when the ERP publishes customer.deleted (`fromEvent`, for the intake).
 */
import type { Ctx } from '../context/context.js';
import { customerDeletedEventsAfter } from '../events/events.service.js';
import { REDACTED } from '../privacy/needles.js';
import { onChange } from '../store/changes.js';
import { storeFaultOf } from '../store/store-errors.js';
import { ownerIsDead, runErasure } from './cascade.js';
import { createErasureDeps, type ErasureDeps } from './deps.js';
import { exportCustomer } from './export.js';
import type { RequestView, SubjectAccess } from './gdpr.schema.js';
import * as sql from './gdpr.queries.js';
import {
  requestErasureFromApi,
  startErasureFromEvent,
  type ApiErasure,
  type EventErasure,
} from './gdpr.service.js';

/** How long a received request is left to the run its recorder started before a sweep takes it. */
const RECEIVED_GRACE_MS = 10_000;

export interface ErasureWorker {
  /** The ERP published customer.deleted: record (once per event id) and run the cascade in the background. */
  fromEvent(e: { eventId: string; customerId: string; reason: string }): Promise<EventErasure>;
  /** DELETE /api/customers/{id}: the customer's request (an existing one, or a new one whose cascade now runs). */
  fromApi(input: { customer_id: string; reason: string }): Promise<ApiErasure>;
  /** GET /api/customers/{id}/export: everything held about the customer (subject access), with the worker's connections. */
  exportCustomer(input: { customer_id: string }): Promise<SubjectAccess>;
  /**
   * Starts an erasure for every customer.deleted event the ERP published that has
   * none yet (HTTP, outbox or CLI; the cascade's own events are not the ERP's).
   * Reads the events table in publish order, so nothing published while the daemon
   * was down or just before a crash is missed. Resolves to how many it started.
   */
  intake(): Promise<number>;
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
  let closed = false;
  // Waits inside a run (retry backoff, the webhook's delivery wait) end at once on
  // close: the run stops as partial and is resumed at the next start, so a SIGTERM
  // never waits for a slow step.
  const sleepers = new Set<() => void>();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (closed) {
        reject(new Error('the daemon is stopping'));
        return;
      }
      const stop = () => {
        clearTimeout(t);
        sleepers.delete(stop);
        reject(new Error('the daemon is stopping'));
      };
      const t = setTimeout(() => {
        sleepers.delete(stop);
        resolve();
      }, ms);
      sleepers.add(stop);
    });
  const deps = opts.deps ?? createErasureDeps(ctx, { sleep });
  const inFlight = new Set<Promise<unknown>>();
  let sweeping: Promise<number> | undefined;
  // Remembered so close() can wait for it; its failure is the cascade's to record (handled here).
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.catch(() => {}).finally(() => inFlight.delete(p));
    return p;
  };

  let watermark = 0;
  let intaking: Promise<number> | undefined;
  const intakeOnce = async (): Promise<number> => {
    let started = 0;
    for (;;) {
      const batch = await customerDeletedEventsAfter(ctx, watermark, 100);
      for (const e of batch) {
        if (closed) return started;
        const customerId = typeof e.data?.customer_id === 'string' ? e.data.customer_id : '';
        // An erasure blanked it (anonymise mode): it already started one.
        if (e.source !== 'daemon' && e.status !== 'rejected' && customerId !== REDACTED) {
          const reason = typeof e.data?.gdpr_reason === 'string' ? e.data.gdpr_reason : '';
          try {
            const res = await startErasureFromEvent(ctx, deps, {
              eventId: e.id,
              customerId,
              reason,
            });
            if (res.done) void trackRun(res.done); // runs on; close() waits for it
            if (res.created) {
              started++;
              ctx.logger.info(
                { request: res.requestId, event: e.id },
                "erasure started for the ERP's customer.deleted event",
              );
            }
          } catch (err) {
            ctx.logger.warn(
              { event: e.id, err: (err as Error).message },
              'customer.deleted event not usable for an erasure',
            );
          }
        }
        watermark = e.seq;
      }
      if (batch.length < 100) return started;
    }
  };
  const intake = (): Promise<number> => {
    intaking ??= intakeOnce().finally(() => {
      intaking = undefined;
    });
    return intaking;
  };

  // A database that could not answer (a failed sweep, a run cut short by it, or a step
  // left for later by it) brings the next sweep forward: 1 s, doubling up to the poll
  // interval while the trouble lasts, so a request an outage or a stall interrupted runs
  // on within seconds of the store's return instead of a poll interval (or a lease) later.
  const pollMs = opts.pollMs ?? Math.min(ctx.config.gdprRetryEveryMs, 30_000);
  let soonMs = 0;
  let soon: NodeJS.Timeout | undefined;
  let trouble = false;
  const sweepSoon = (): void => {
    trouble = true;
    if (closed || soon) return;
    soonMs = Math.min(pollMs, soonMs === 0 ? 1_000 : soonMs * 2);
    soon = setTimeout(() => {
      soon = undefined;
      void sweep().catch(() => {});
    }, soonMs);
    soon.unref();
  };
  /** A run, remembered for close(); one the store interrupted brings the next sweep forward. */
  const trackRun = (p: Promise<RequestView>): Promise<RequestView> => {
    void track(p).then(
      (v) => {
        const due = v.next_attempt_at === null ? NaN : Date.parse(v.next_attempt_at);
        if (v.state === 'partial' && due <= ctx.clock.now()) sweepSoon();
      },
      (err: unknown) => {
        if (storeFaultOf(err)) sweepSoon();
      },
    );
    return p;
  };
  const sweepOnce = async (): Promise<number> => {
    await intake().catch((err) => {
      if (storeFaultOf(err)) sweepSoon();
      ctx.logger.warn({ err: (err as Error).message }, 'erasure intake failed');
    });
    // A received request is left to the run its recorder started for a while (no race with it).
    const { rows } = await ctx.db.query<{ id: string }>(sql.DUE_REQUESTS, [
      new Date(ctx.clock.now()),
      20,
      new Date(ctx.clock.now() - RECEIVED_GRACE_MS),
    ]);
    // A killed runner's request is not left for its lease to run out (a minute): its owner is dead.
    const leased = await ctx.db.query<{ id: string; owner: string | null }>(sql.LEASED_REQUESTS, [
      new Date(ctx.clock.now()),
      20,
    ]);
    for (const r of leased.rows) if (ownerIsDead(r.owner)) rows.push({ id: r.id });
    let ran = 0;
    for (const { id } of rows) {
      if (closed) break;
      try {
        const view = await trackRun(runErasure(ctx, deps, id));
        ran++;
        ctx.logger.info(
          { request: id, state: view.state },
          'erasure request resumed by the daemon',
        );
      } catch (err) {
        // Busy (another runner has it) or the store failed: the next sweep looks again.
        ctx.logger.warn(
          { request: id, err: (err as Error).message },
          'erasure request not resumed',
        );
      }
    }
    return ran;
  };
  const sweep = (): Promise<number> => {
    sweeping ??= (async () => {
      trouble = false;
      try {
        return await sweepOnce();
      } catch (err) {
        if (storeFaultOf(err)) sweepSoon();
        throw err;
      } finally {
        sweeping = undefined;
        if (!trouble) soonMs = 0;
      }
    })();
    return sweeping;
  };

  const timer = setInterval(() => {
    void sweep().catch((err) =>
      ctx.logger.warn({ err: (err as Error).message }, 'erasure sweep failed'),
    );
  }, pollMs);
  timer.unref();
  // Soon after boot: what a killed runner left behind, what fell due while the daemon was down.
  const first = setTimeout(() => {
    void sweep().catch(() => {});
  }, 1_000);
  first.unref();

  // A published event wakes the intake at once; the sweep's poll is the safety net.
  let unlisten: (() => Promise<void>) | undefined;
  void onChange(ctx.db, (topic) => {
    if (topic === 'events') void intake().catch(() => {});
  })
    .then((u) => {
      if (closed) void u();
      else unlisten = u;
    })
    .catch((err) =>
      ctx.logger.warn(
        { err: (err as Error).message },
        'erasure intake cannot listen; polling only',
      ),
    );

  return {
    intake,
    async fromApi(input) {
      const started = await requestErasureFromApi(ctx, deps, input);
      if (started.done) void trackRun(started.done); // runs on; close() waits for it
      return started;
    },
    exportCustomer: (input) => exportCustomer(ctx, deps, input),
    async fromEvent(e) {
      const started = await startErasureFromEvent(ctx, deps, e);
      if (started.done) void trackRun(started.done); // runs on; close() waits for it
      return started;
    },
    sweep,
    async close() {
      closed = true;
      for (const stop of [...sleepers]) stop();
      await unlisten?.();
      clearInterval(timer);
      clearTimeout(first);
      clearTimeout(soon);
      await Promise.allSettled([...inFlight]);
      if (!opts.deps) await deps.close();
    },
  };
}
