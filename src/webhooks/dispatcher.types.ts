/**
 * What the webhook dispatcher (dispatcher.ts) offers the daemon and the tests, and why it
 * may be woken.
 */
import type { Ctx } from '../context/context.js';
import type { QueueKind } from './queue/queue.js';
import type { Outcome } from './settler.js';
import type { LoopState } from './wake-loop.js';
import type { WebhookMetrics } from './webhooks.metrics.js';

/**
 * Why the dispatcher was woken. `events` (the store's notification: a publish, a replay),
 * `poll`, `asked` (an operator, the module switched on, waitIdle), `resumed` (Support back)
 * and `start` mean new work may be due; `outbox` means the ERP wrote to its outbox;
 * `queue` (a retry fell due, room for more) and `settled` (the last outcome written)
 * only let the queue go on.
 */
export type WakeReason =
  'start' | 'events' | 'outbox' | 'poll' | 'asked' | 'resumed' | 'queue' | 'settled';

export interface DispatcherOptions {
  ctx: Ctx;
  /** The module switch as the daemon knows it. */
  enabled: () => boolean;
  metrics?: WebhookMetrics;
  /** Unique per process; shows in attempts as `worker`. */
  workerId?: string;
  /** Deliveries started (true) or stopped (false) being held because Support is unreachable. */
  onHeldChange?: (held: boolean) => void;
}

/** What a dispatcher tells its listeners (tests wait on these, not on the clock). */
export interface DispatcherEvents {
  /** A batch of attempt outcomes was written to the store. */
  settled: readonly Outcome[];
  /** Nothing in flight, nothing unwritten, nothing due now for this dispatcher. */
  idle: undefined;
  /** Support's /health was probed (deliveries held or an attempt got no answer): did it answer? */
  probe: boolean;
  /** Deliveries started (true) or stopped (false) being held. */
  held: boolean;
  /** The dispatcher was woken, and why. */
  wake: WakeReason;
  /** The loop changed state (wake-loop.ts). */
  state: LoopState;
}

export interface Dispatcher {
  readonly workerId: string;
  /** Which queue feeds this dispatcher (KGC_SUPPORT_QUEUE). */
  readonly queue: QueueKind;
  /** The loop's state (wake-loop.ts). */
  readonly state: LoopState;
  /** How many times the outbox was queried since the start (it is, only when the ERP wrote or the poll asked). */
  readonly outboxDrains: number;
  /** Look for work now (a replay, the module switched on). */
  wake(): void;
  /** Listens to one of the dispatcher's events; returns the function that stops listening. */
  on<K extends keyof DispatcherEvents>(
    event: K,
    listener: (value: DispatcherEvents[K]) => void,
  ): () => void;
  /** Looks for work, then resolves at the next 'idle' (rejects after timeoutMs). */
  waitIdle(timeoutMs?: number): Promise<void>;
  /** Whether deliveries are held because Support is unreachable. */
  readonly held: boolean;
  /** Support is known to be unreachable (the daemon's health check): hold deliveries and probe until it answers. */
  hold(): void;
  /** Support answered the daemon's health check: resume held deliveries now, not at the next probe. */
  resume(): void;
  readonly inFlight: number;
  close(): Promise<void>;
}
