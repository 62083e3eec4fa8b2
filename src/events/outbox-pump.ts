/**
 * The outbox pump: moves what the ERP wrote to kgc_erp.support_outbox into the event store
 * (outbox.ts drainOutbox), and only then. It is marked dirty when the ERP wrote (the
 * outbox's INSERT trigger sends `events:outbox` on the change channel of the ERP database,
 * which this pump listens to) or when the poll asks (a missed notification); an HTTP
 * publish, a replay or a retry never drains it. It drains at the next pass of whoever runs
 * it (the webhook dispatcher) and stays dirty when a drain fails, so the next pass retries.
 *
 * An outbox the ERP database lacks (and that cannot be created there) is looked for
 * again every 60th poll, so applying `events outbox-ddl` needs no restart.
 */
import type { Ctx } from '../context/context.js';
import { onChange } from '../store/changes.js';
import type { EventRow } from './event-row.js';
import { drainOutbox, ensureOutbox, type OutboxState } from './outbox.js';

const BATCH = 500;
const RECHECK_EVERY_POLLS = 60;

export interface OutboxPump {
  readonly state: OutboxState;
  /** Whether the next drain has anything to look at (the ERP wrote, or the poll asked). */
  readonly dirty: boolean;
  /** How many drains ran (queried the outbox) since the start. */
  readonly drains: number;
  /** The poll's turn: drain at the next pass, and now and then look for a missing outbox. */
  polled(): void;
  /** Moves everything the outbox holds when dirty; the rows inserted. Rejects (staying dirty) on failure. */
  drain(): Promise<EventRow[]>;
  close(): Promise<void>;
}

/**
 * Opens the pump over the ERP database; `onWritten` is called when the ERP wrote to the
 * outbox (the caller schedules a drain: the dispatcher's wake).
 */
export async function openOutboxPump(ctx: Ctx, onWritten: () => void): Promise<OutboxPump> {
  let outbox = await ensureOutbox(ctx);
  if (outbox.state === 'missing') {
    ctx.logger.warn(
      { err: outbox.error },
      'the ERP database has no kgc_erp.support_outbox and it cannot be created here; apply `kgc-support events outbox-ddl` to it (HTTP publishing works meanwhile)',
    );
  }
  let dirty = true;
  let drains = 0;
  let polls = 0;
  const unlisten = await onChange(ctx.erp, (topic, detail) => {
    if (topic !== 'events' || detail !== 'outbox') return;
    dirty = true;
    onWritten();
  });
  const recheck = (): void => {
    void ensureOutbox(ctx)
      .then((o) => {
        outbox = o;
      })
      .catch(() => {});
  };
  return {
    get state() {
      return outbox.state;
    },
    get dirty() {
      return dirty;
    },
    get drains() {
      return drains;
    },
    polled() {
      dirty = true;
      if (outbox.state === 'missing' && ++polls % RECHECK_EVERY_POLLS === 0) recheck();
    },
    async drain() {
      if (!dirty || outbox.state === 'missing') return [];
      dirty = false;
      const inserted: EventRow[] = [];
      try {
        for (;;) {
          drains++;
          const batch = await drainOutbox(ctx, BATCH);
          inserted.push(...batch.inserted);
          if (batch.moved < BATCH) return inserted;
        }
      } catch (err) {
        dirty = true;
        throw err;
      }
    },
    close: unlisten,
  };
}
