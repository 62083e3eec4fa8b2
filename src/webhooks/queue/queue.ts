/**
 * Where due webhook deliveries come from (DESIGN.md 6, 10.2). The store's events table
 * is the record either way: attempts, retries, dead letters and audit rows are written
 * by the one settle path. A queue only decides how a daemon learns which event to
 * deliver next: `postgres` claims due rows with one SKIP LOCKED statement, `bullmq`
 * takes job ids from Redis and claims each named row. The dispatcher picks one at start.
 */
import type { Ctx } from '../../context/context.js';
import type { Logger } from '../../context/logger.js';
import type { Outcome } from '../settler.js';

export type QueueKind = 'postgres' | 'bullmq';

/** A leased event, as CLAIM and CLAIM_IDS return it. */
export interface Claimed {
  id: string;
  type: string;
  body: string;
  attempts: number;
  failures: number;
  created_ms: number;
  /** The event's origin (src/events/trace.ts): each attempt continues this trace. */
  traceparent: string | null;
  request_id: string | null;
}

/** What the dispatcher gives a queue. */
export interface QueueHost {
  readonly ctx: Ctx;
  readonly log: Logger;
  readonly workerId: string;
  /** Deliveries of this process in flight. */
  readonly inFlight: number;
  /** Whether a delivery may start now: running, module on, a URL, Support not held. */
  ready(): boolean;
  /** Delivers one claimed event; resolves once its outcome is handed to the settler. */
  run(row: Claimed): Promise<void>;
  /** Asks the dispatcher for a pass (outbox, expiry, then the queue's pump). */
  wake(): void;
}

export interface WebhookQueue {
  readonly kind: QueueKind;
  /** New work may be due (a publish, a replay, the poll, Support back). */
  poke(): void;
  /** Gets due work moving: postgres claims and delivers, bullmq enqueues event ids. */
  pump(): Promise<void>;
  /** Outcomes were written: what is pending again gets scheduled. */
  settled(batch: readonly Outcome[]): void;
  /** Deliveries are held (Support unreachable) or resumed. */
  held(held: boolean): void;
  /** Whether due work is waiting for this queue (the dispatcher is not idle then). */
  busy(): Promise<boolean>;
  /** Takes no more work; resolves when nothing new will start. */
  stop(): Promise<void>;
  /** Releases connections (after the last outcomes are settled). */
  close(): Promise<void>;
}

/** CLAIM's and CLAIM_IDS' shared parameters: now, lease end, worker. */
export function leaseArgs(host: QueueHost): [Date, Date, string] {
  const now = host.ctx.clock.now();
  return [new Date(now), new Date(now + host.ctx.config.webhookLeaseMs), host.workerId];
}

/** The oldest occurred_at still delivered unasked (older ones are expired). */
export function maxAgeCutoff(host: QueueHost): Date {
  return new Date(host.ctx.clock.now() - host.ctx.config.eventMaxAgeMs);
}
