/**
 * The PostgreSQL queue: due events are claimed in batches by one SKIP LOCKED statement
 * (dispatch.queries.ts CLAIM), up to `concurrency` in flight. A timer wakes the
 * dispatcher for the earliest retry written; the dispatcher's poll is the safety net.
 * Several daemons on one database share the work through the row locks and leases.
 */
import * as sql from '../dispatch.queries.js';
import {
  leaseArgs,
  maxAgeCutoff,
  type Claimed,
  type QueueHost,
  type WebhookQueue,
} from './queue.js';

export function postgresQueue(host: QueueHost): WebhookQueue {
  const { ctx } = host;
  const cfg = ctx.config;
  let maybeMore = true;
  let running = true;
  let dueTimer: { at: number; timer: NodeJS.Timeout } | undefined;

  function wakeAt(at: number): void {
    if (!running) return;
    if (dueTimer && dueTimer.at <= at) return;
    if (dueTimer) clearTimeout(dueTimer.timer);
    const timer = setTimeout(
      () => {
        dueTimer = undefined;
        maybeMore = true;
        host.wake();
      },
      Math.max(0, at - ctx.clock.now()),
    );
    timer.unref();
    dueTimer = { at, timer };
  }

  function start(row: Claimed): void {
    void host.run(row).finally(() => {
      if (maybeMore && host.inFlight <= cfg.webhookConcurrency / 2) host.wake();
    });
  }

  return {
    kind: 'postgres',
    poke() {
      maybeMore = true;
    },
    async pump() {
      try {
        while (running && maybeMore && host.inFlight < cfg.webhookConcurrency && host.ready()) {
          const want = Math.min(cfg.webhookBatch, cfg.webhookConcurrency - host.inFlight);
          const { rows } = await ctx.db.query<Claimed>(sql.CLAIM, [
            ...leaseArgs(host),
            want,
            maxAgeCutoff(host),
          ]);
          if (rows.length < want) maybeMore = false;
          for (const row of rows) start(row);
        }
        if (!maybeMore) {
          const { rows } = await ctx.db.query<{ due: Date | null }>(sql.NEXT_DUE);
          const due = rows[0]?.due?.getTime();
          // Due already but not claimed: another daemon's claim holds its row lock this instant.
          if (due !== undefined) wakeAt(Math.max(due, ctx.clock.now() + 25));
        }
      } catch (err) {
        maybeMore = true;
        throw err;
      }
    },
    settled(batch) {
      // Wake for the earliest retry written (a timer; the poll is only the safety net).
      let earliest = Infinity;
      for (const o of batch)
        if (o.status === 'pending' && o.runAt) earliest = Math.min(earliest, o.runAt.getTime());
      if (earliest !== Infinity) wakeAt(earliest);
    },
    held(held) {
      if (!held) maybeMore = true;
    },
    busy: () => Promise.resolve(maybeMore && host.ready()),
    stop() {
      running = false;
      if (dueTimer) clearTimeout(dueTimer.timer);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
