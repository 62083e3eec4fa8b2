/** The daemon's hourly sweeps: idempotency records older than a day, finished events past their retention. */
import type { Ctx } from '../context/context.js';
import { sweepFinishedEvents } from '../events/events.service.js';

const EVERY_MS = 3_600_000;
const IDEMPOTENCY_KEPT_MS = 86_400_000;

/** Starts the sweeps; returns the function that stops them. */
export function startHousekeeping(ctx: Ctx): () => void {
  const warn = (what: string) => (err: unknown) =>
    ctx.logger.warn({ err: (err as Error).message }, `${what} failed`);
  const sweep = setInterval(() => {
    void ctx.db
      .query(`DELETE FROM kgc_support.idempotency WHERE created_at < $1`, [
        new Date(ctx.clock.now() - IDEMPOTENCY_KEPT_MS),
      ])
      .catch(warn('idempotency sweep'));
    void sweepFinishedEvents(ctx, ctx.config.eventRetentionMs).catch(warn('event retention sweep'));
  }, EVERY_MS);
  sweep.unref();
  return () => clearInterval(sweep);
}
