/**
 * Group commit for the HTTP ingest. When the store is idle a request is written at
 * once, alone; requests that arrive while a write is in flight wait for it and then
 * go together in the next statement. Under load one commit (and one NOTIFY) serves
 * many events; at rest nothing waits for a timer. Every request still gets its own
 * answer after its event is committed: nothing is acknowledged before it is stored.
 */
import type { Ctx } from '../context/context.js';
import type { EventSource, PublishInput, PublishResult } from './events.schema.js';
import { publishEvents } from './events.service.js';
import type { EventOrigin } from './trace.js';

interface Waiting {
  input: PublishInput & { origin?: EventOrigin };
  resolve(r: PublishResult): void;
  reject(e: unknown): void;
}

export class IngestBatcher {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly source: EventSource,
    private readonly maxBatch = 500,
  ) {}

  publish(input: PublishInput & { origin?: EventOrigin }): Promise<PublishResult> {
    return new Promise<PublishResult>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.writing) {
        // Start on the next turn of the event loop, after the requests already read
        // from the sockets have joined the queue: PGlite blocks the loop while it runs
        // a statement, so without this every batch would hold one event.
        this.writing = true;
        setImmediate(() => {
          void this.drain();
        });
      }
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await publishEvents(
            this.ctx,
            batch.map((w) => w.input),
            this.source,
          );
          results.forEach((r, i) => {
            const w = batch[i] as Waiting;
            if (r.status === 'fulfilled') w.resolve(r.value);
            else w.reject(r.reason);
          });
        } catch (err) {
          if (batch.length > 1 && isStatementError(err)) await this.oneByOne(batch);
          else for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /**
   * The shared statement failed on something in the data: each request again on its
   * own, so the row the database refuses fails its caller alone and the others are
   * stored. Rare by design (the edge refuses what it knows the database cannot
   * store), so the extra round trips cost nothing in the common case.
   */
  private async oneByOne(batch: readonly Waiting[]): Promise<void> {
    for (const w of batch) {
      try {
        const [r] = await publishEvents(this.ctx, [w.input], this.source);
        if (r?.status === 'fulfilled') w.resolve(r.value);
        else w.reject(r?.reason);
      } catch (err) {
        w.reject(err);
      }
    }
  }
}

// SQLSTATE classes that say the database, not the data, failed: connection (08),
// resources (53: disk full, out of memory), operator intervention (57: shutdown),
// system (58), internal (XX). Retrying row by row would only repeat the failure.
const NOT_THE_DATA = new Set(['08', '53', '57', '58', 'XX']);

/** Whether a failed statement was refused for its data (a SQLSTATE outside the classes above). */
function isStatementError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !NOT_THE_DATA.has(code.slice(0, 2))
  );
}
