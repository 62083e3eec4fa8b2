/**
 * Writes attempt outcomes in batches: one statement records the attempts and
 * settles their events, at most `flushMs` after the first outcome arrived. Safe to
 * batch: until it is written an event stays leased, and if the daemon dies first
 * the lease runs out and the event is delivered again (at-least-once).
 */
import type { Ctx } from '../context/context.js';
import * as sql from './dispatch.queries.js';

export interface Outcome {
  id: string;
  attempt: number;
  /** The event's new status: pending (retry later or held), delivered, dead. */
  status: 'pending' | 'delivered' | 'dead';
  /** pending: when it is due again. */
  runAt: Date | null;
  /** 1 when this attempt counts against the retry schedule. */
  failed: 0 | 1;
  at: Date;
  url: string;
  outcome: 'delivered' | 'retry' | 'dead' | 'held';
  httpStatus: number | null;
  durationMs: number;
  response: string | null;
  error: string | null;
}

export class Settler {
  private buffer: Outcome[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly ctx: Pick<Ctx, 'db' | 'logger'>,
    private readonly worker: string,
    private readonly opts: {
      flushMs: number;
      maxBatch: number;
      onWritten?: (o: readonly Outcome[]) => void;
    },
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  /** Nothing buffered and nothing being written. */
  get idle(): boolean {
    return this.buffer.length === 0 && this.writing === undefined;
  }

  push(o: Outcome): void {
    this.buffer.push(o);
    if (this.buffer.length >= this.opts.maxBatch) void this.flush();
    else
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.opts.flushMs);
  }

  /** Writes everything buffered; one write at a time, the next batch waits for it. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.buffer.length === 0) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.buffer.splice(0, this.buffer.length);
    this.writing = this.write(batch).finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  private async write(batch: Outcome[]): Promise<void> {
    const cols: unknown[][] = Array.from({ length: 12 }, () => []);
    for (const o of batch) {
      [
        o.id,
        o.attempt,
        o.status,
        o.runAt,
        o.failed,
        o.at,
        o.httpStatus,
        o.error,
        o.url,
        o.outcome,
        o.durationMs,
        o.response,
      ].forEach((v, i) => (cols[i] as unknown[]).push(v));
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ctx.db.query(sql.SETTLE, [...cols, this.worker]);
        this.opts.onWritten?.(batch);
        return;
      } catch (err) {
        // The store is briefly unreachable: keep trying while the leases hold; past that
        // the events are claimed again anyway, and delivered again.
        if (attempt >= 5) {
          this.ctx.logger.warn(
            { err: (err as Error).message, outcomes: batch.length },
            'could not record delivery outcomes; those events will be delivered again',
          );
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
