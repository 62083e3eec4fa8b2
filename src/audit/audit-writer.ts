/**
 * Buffers API audit rows and writes them in batches, so auditing costs the hot
 * path one array push. A crash loses at most the rows of the last flush interval
 * (KGC_SUPPORT_AUDIT_FLUSH_MS, default 200 ms); SIGTERM flushes everything.
 * While the database is unreachable rows stay buffered, up to `maxBuffered`.
 */
import type { Ctx } from '../context/context.js';
import { writeAuditBatch, type AuditEntry } from './audit.service.js';

export interface AuditWriterOptions {
  flushMs: number;
  /** Rows per INSERT. */
  maxBatch?: number;
  /** Rows kept while the database is down; beyond it the oldest are dropped (and counted). */
  maxBuffered?: number;
  onFlush?: (rows: number, ms: number) => void;
  onDrop?: (rows: number) => void;
}

export class AuditWriter {
  private buffer: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Rows dropped from the front since the batch in flight was taken (it was taken from the front too). */
  private droppedInFlight = 0;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly ctx: Pick<Ctx, 'db' | 'logger'>,
    private readonly opts: AuditWriterOptions,
  ) {
    this.maxBatch = opts.maxBatch ?? 2000;
    this.maxBuffered = opts.maxBuffered ?? 200_000;
  }

  get pending(): number {
    return this.buffer.length;
  }

  push(entry: AuditEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length > this.maxBuffered) {
      const drop = this.buffer.length - this.maxBuffered;
      this.buffer.splice(0, drop);
      this.droppedInFlight += drop;
      this.opts.onDrop?.(drop);
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.opts.flushMs);
  }

  /** Writes everything buffered so far; concurrent calls share one flush. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async flushOnce(): Promise<void> {
    // Only the rows here now: rows pushed during the write wait for the next tick of
    // the timer. Looping until the buffer is empty would, under steady load, turn the
    // batching into back-to-back small transactions.
    let remaining = this.buffer.length;
    while (remaining > 0) {
      const batch = this.buffer.slice(0, Math.min(this.maxBatch, remaining));
      this.droppedInFlight = 0;
      const started = performance.now();
      try {
        await writeAuditBatch(this.ctx, batch);
      } catch (err) {
        this.ctx.logger.warn(
          { err: (err as Error).message, pending: this.buffer.length },
          'audit flush failed; rows kept for the next attempt',
        );
        this.timer ??= setTimeout(
          () => {
            this.timer = undefined;
            void this.flush();
          },
          Math.max(this.opts.flushMs, 1000),
        );
        return;
      }
      // Only the part of the batch that an overflow did not already drop is still in front.
      const written = Math.max(0, batch.length - this.droppedInFlight);
      this.buffer.splice(0, written);
      // Drops beyond the batch took rows of this flush that were waiting behind it.
      const droppedBehind = Math.max(0, this.droppedInFlight - batch.length);
      remaining = Math.max(0, remaining - batch.length - droppedBehind);
      this.opts.onFlush?.(batch.length, performance.now() - started);
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
