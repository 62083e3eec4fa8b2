/**
 * The BullMQ queue (KGC_SUPPORT_QUEUE=bullmq, seed 10.2): Redis carries only event ids;
 * the store's events table stays the record. A job names one event and its attempt
 * count (`e<attempts>-<id>`, so one due state is one job however often it is offered);
 * its worker claims that row (CLAIM_IDS, batched), delivers, and the dispatcher's one settle
 * path writes the outcome. A retry becomes a delayed job. A job that Redis lost (a flush,
 * a failover, a daemon killed between settle and enqueue) is offered again by the
 * reconcile: due rows of the store are enqueued, deduplicated by job id.
 */
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { KgcError } from '../../errors/kgc-error.js';
import * as sql from '../dispatch.queries.js';
import type { Outcome } from '../settler.js';
import {
  leaseArgs,
  maxAgeCutoff,
  type Claimed,
  type QueueHost,
  type WebhookQueue,
} from './queue.js';

const QUEUE_NAME = 'webhooks';
/** Rows read per reconcile page, and pages per pump. */
const PAGE = 2_000;
const MAX_PAGES = 10;

/** Resolves with `p`, or after ms (a Redis away must not hang the dispatcher or a shutdown). */
function bounded(p: Promise<unknown>, ms: number): Promise<unknown> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise((resolve) => {
      t = setTimeout(resolve, ms);
      t.unref();
    }),
  ]).finally(() => clearTimeout(t));
}

interface JobData {
  id: string;
}

/** The job id of an event in a due state (BullMQ refuses ':' in ids, and numbers). */
function jobIdOf(id: string, attempts: number): string {
  return `e${attempts}-${encodeURIComponent(id)}`;
}

const jobOpts = { removeOnComplete: true, removeOnFail: true } as const;

export async function bullmqQueue(host: QueueHost): Promise<WebhookQueue> {
  const { ctx, log } = host;
  const cfg = ctx.config;
  if (!cfg.redisUrl)
    throw new KgcError('invalid_config', 'KGC_SUPPORT_QUEUE=bullmq needs REDIS_URL');
  const url = cfg.redisUrl;
  const connections: Redis[] = [];
  const connect = (): Redis => {
    // BullMQ's worker blocks on Redis and retries for ever: no per-request retry limit.
    const c = new Redis(url, { maxRetriesPerRequest: null });
    c.on('error', () => {
      /* reported by the queue's and the worker's own error events */
    });
    connections.push(c);
    return c;
  };
  const prefix = cfg.queuePrefix;
  const queue = new Queue<JobData>(QUEUE_NAME, { connection: connect(), prefix });
  let warned = 0;
  const warn = (err: Error, what: string) => {
    // One line a minute while Redis is away, not one per job.
    if (Date.now() - warned < 60_000) return;
    warned = Date.now();
    log.warn({ err: err.message }, `BullMQ queue: ${what}; the store keeps every event meanwhile`);
  };
  queue.on('error', (err) => warn(err, 'Redis error'));

  /** Jobs this daemon offered lately: not offered again before the reconcile period. */
  const offered = new Map<string, number>();
  const reconcileMs = cfg.webhookLeaseMs;
  let poked = true;
  let lastFull = 0;
  let running = true;
  let closed = false;
  const adding = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>): void => {
    const q = p.catch((err: Error) => warn(err, 'cannot enqueue')).finally(() => adding.delete(q));
    adding.add(q);
  };

  /**
   * Claims gathered from the jobs that start together: one statement and one commit for
   * all of them (a commit per job would make the store's fsync the queue's pace).
   */
  let claims: { id: string; done: (row: Claimed | undefined, err?: Error) => void }[] = [];
  const claim = (id: string): Promise<Claimed | undefined> =>
    new Promise((resolve, reject) => {
      if (claims.length === 0) setImmediate(claimBatch);
      claims.push({ id, done: (row, err) => (err ? reject(err) : resolve(row)) });
    });
  function claimBatch(): void {
    const batch = claims;
    claims = [];
    ctx.db
      .query<Claimed>(sql.CLAIM_IDS, [
        ...leaseArgs(host),
        [...new Set(batch.map((c) => c.id))],
        maxAgeCutoff(host),
      ])
      .then(({ rows }) => {
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const c of batch) {
          c.done(byId.get(c.id));
          byId.delete(c.id); // two jobs naming one event: one claim
        }
      })
      .catch((err: Error) => {
        for (const c of batch) c.done(undefined, err);
      });
  }

  async function work(job: Job<JobData>, token?: string): Promise<void> {
    if (job.id) offered.delete(job.id);
    // Held, disabled or stopping: the job ends unclaimed, the row stays due in the store
    // and the reconcile offers it again once deliveries may start.
    if (!running || !host.ready()) return;
    const row = await claim(job.data.id);
    if (row) return host.run(row);
    // A delayed job that fired before its row's run_at (clocks differ): wait for it.
    const now = ctx.clock.now();
    const early = await ctx.db.query<{ run_at: Date }>(sql.RETRY_AT, [job.data.id, new Date(now)]);
    const at = early.rows[0]?.run_at.getTime();
    if (at !== undefined && token) {
      await job.moveToDelayed(at, token);
      throw new DelayedError();
    }
    // Otherwise delivered, dead, or leased by another worker: nothing to do.
  }

  const worker = new Worker<JobData>(QUEUE_NAME, work, {
    connection: connect(),
    prefix,
    concurrency: cfg.webhookConcurrency,
    // The job's lock is the lease's twin: renewed while a delivery runs, and a killed
    // daemon's jobs are found stalled and taken again within about a lease (as its rows are).
    lockDuration: cfg.webhookLeaseMs,
    stalledInterval: Math.min(30_000, cfg.webhookLeaseMs),
  });
  worker.on('error', (err) => warn(err, 'worker error'));
  worker.on('failed', (job, err) => {
    if (job?.id) offered.delete(job.id);
    log.warn(
      { err: err.message, eventId: job?.data.id },
      'BullMQ job failed; the reconcile offers it again',
    );
  });

  function offer(jobs: { id: string; attempts: number; at: number }[]): void {
    const now = Date.now();
    const fresh = jobs.filter((j) => {
      const key = jobIdOf(j.id, j.attempts);
      const seen = offered.get(key);
      if (seen !== undefined && now - seen < reconcileMs) return false;
      offered.set(key, now);
      return true;
    });
    if (fresh.length === 0) return;
    track(
      queue.addBulk(
        fresh.map((j) => ({
          name: 'deliver',
          data: { id: j.id },
          opts: {
            ...jobOpts,
            jobId: jobIdOf(j.id, j.attempts),
            delay: Math.max(0, j.at - ctx.clock.now()),
          },
        })),
      ),
    );
  }

  /** Enqueues the store's due events (deduplicated by job id); the whole set each period. */
  async function reconcile(): Promise<void> {
    const now = ctx.clock.now();
    const full = now - lastFull >= reconcileMs;
    if (full) {
      lastFull = now;
      for (const [k, t] of offered) if (now - t >= reconcileMs) offered.delete(k);
    }
    let after: [Date, string] = [new Date(0), '0'];
    for (let page = 0; page < MAX_PAGES; page++) {
      const { rows } = await ctx.db.query<{
        id: string;
        attempts: number;
        run_at: Date;
        seq: string;
      }>(sql.DUE_PAGE, [new Date(now), ...after, PAGE]);
      offer(rows.map((r) => ({ id: r.id, attempts: r.attempts, at: now })));
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) break;
      after = [last.run_at, String(last.seq)];
    }
    // Redis away: the adds wait for it (BullMQ's connection retries); the pump goes on.
    await bounded(Promise.all([...adding]), 5_000);
  }

  return {
    kind: 'bullmq',
    poke() {
      poked = true;
    },
    async pump() {
      if (!running || !host.ready()) return;
      if (!poked && ctx.clock.now() - lastFull < reconcileMs) return;
      poked = false;
      await reconcile();
    },
    settled(batch: readonly Outcome[]) {
      // Also while stopping: the last retries of a shutdown are scheduled, not left to the reconcile.
      if (closed) return;
      offer(
        batch
          .filter((o) => o.status === 'pending' && o.runAt)
          .map((o) => ({ id: o.id, attempts: o.attempt, at: o.runAt?.getTime() ?? 0 })),
      );
    },
    held(held) {
      // Support unreachable: this daemon takes no jobs (another daemon may); back: it does.
      if (held) void worker.pause(true).catch(() => {});
      else {
        void worker.resume();
        poked = true;
      }
    },
    async busy() {
      if (host.inFlight > 0) return true;
      if (!host.ready()) return false;
      const waiting = queue
        .getJobCounts('wait', 'active', 'prioritized')
        .then((c) => Object.values(c).some((n) => n > 0));
      // Redis away: not idle (its jobs are unknown), and no hang.
      return (await bounded(waiting, 2_000)) !== false;
    },
    async stop() {
      running = false;
      // Waits for the jobs this worker runs (each ends within the delivery timeout).
      await bounded(worker.close(), cfg.webhookTimeoutMs + 2_000);
    },
    async close() {
      closed = true;
      await bounded(Promise.all([...adding]), 2_000);
      await bounded(
        queue.close().catch(() => {}),
        2_000,
      );
      for (const c of connections) c.disconnect();
    },
  };
}
