/**
 * The webhook dispatcher inside `serve` (DESIGN.md 6). It moves the ERP's outbox
 * into the event store, claims due events in batches (one SKIP LOCKED statement),
 * keeps up to `concurrency` deliveries in flight, signs each attempt afresh, and
 * hands outcomes to the Settler, which writes them in batches.
 *
 * Wake-ups: LISTEN on the change channel (a publish, an outbox INSERT, a replay)
 * and a timer for the next retry; a poll every KGC_SUPPORT_WEBHOOK_POLL is the
 * safety net for a missed notification. While the module is disabled nothing is
 * claimed; while Support is unreachable the Breaker holds deliveries.
 */
import { hostname } from 'node:os';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import { formatDuration } from '../config/duration.js';
import { webhookUrl } from '../events/catalogue.js';
import { drainOutbox, ensureOutbox } from '../events/outbox.js';
import { onChange } from '../store/changes.js';
import { Breaker } from './breaker.js';
import * as sql from './dispatch.queries.js';
import { decide, type RetryPolicy } from './schedule.js';
import { ensureWebhookSecret, validWebhookSecrets } from './secrets.service.js';
import { createSender, type Sender } from './sender.js';
import { Settler, type Outcome } from './settler.js';
import { createSigner, type Signer } from './signature.js';
import type { WebhookMetrics } from './webhooks.metrics.js';

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

interface Claimed {
  id: string;
  type: string;
  body: string;
  attempts: number;
  failures: number;
  created_ms: number;
}

export interface Dispatcher {
  readonly workerId: string;
  /** Look for work now (after a publish, a replay, the module switched on). */
  wake(): void;
  /** Whether deliveries are held because Support is unreachable. */
  readonly held: boolean;
  /** Support is known to be unreachable (the daemon's health check): hold deliveries and probe until it answers. */
  hold(): void;
  /** Support answered the daemon's health check: resume held deliveries now, not at the next probe. */
  resume(): void;
  readonly inFlight: number;
  close(): Promise<void>;
}

export async function startDispatcher(opts: DispatcherOptions): Promise<Dispatcher> {
  const { ctx } = opts;
  const cfg = ctx.config;
  if (cfg.webhookLeaseMs <= cfg.webhookTimeoutMs + 1_000) {
    throw new KgcError(
      'invalid_config',
      'KGC_SUPPORT_WEBHOOK_LEASE must exceed KGC_SUPPORT_WEBHOOK_TIMEOUT by more than a second',
    );
  }
  const log = ctx.logger.child({ component: 'webhooks' });
  const workerId =
    opts.workerId ?? `${hostname()}:${process.pid}:${ctx.random.bytes(3).toString('hex')}`;
  const policy: RetryPolicy = {
    schedule: cfg.webhookSchedule,
    jitterPct: cfg.webhookJitterPct,
    random: ctx.random,
  };
  const baseUrl = cfg.supportApiUrl;
  const m = opts.metrics;

  await ensureWebhookSecret(ctx, cfg.supportWebhookSecret);
  let signer: { value: Signer; nextExpiry: number | null } | undefined;
  let signerLoading: Promise<Signer> | undefined;
  const loadSigner = (): Promise<Signer> => {
    signerLoading ??= validWebhookSecrets(ctx)
      .then((s) => {
        signer = { value: createSigner(s.secrets), nextExpiry: s.nextExpiry };
        return signer.value;
      })
      .finally(() => {
        signerLoading = undefined;
      });
    return signerLoading;
  };
  await loadSigner();
  const currentSigner = (): Signer | Promise<Signer> =>
    signer && (signer.nextExpiry === null || signer.nextExpiry > ctx.clock.now())
      ? signer.value
      : loadSigner();

  // The embedded store has one daemon: what a killed predecessor had leased is free now.
  if (ctx.db.kind === 'pglite') await ctx.db.query(sql.RELEASE_LEASES, [new Date(ctx.clock.now())]);

  let outbox = await ensureOutbox(ctx);
  if (outbox.state === 'missing') {
    log.warn(
      { err: outbox.error },
      'the ERP database has no kgc_erp.support_outbox and it cannot be created here; apply `kgc-support events outbox-ddl` to it (HTTP publishing works meanwhile)',
    );
  }

  const sender: Sender = createSender({
    connections: cfg.webhookConcurrency,
    timeoutMs: cfg.webhookTimeoutMs,
    now: () => ctx.clock.now(),
  });
  let running = true;
  let inFlight = 0;
  let maybeMore = true;
  let outboxDirty = true;
  let pumping = false;
  let again = false;
  let dueTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  let warnedNoUrl = false;
  const idle = new Set<() => void>();

  const breaker = new Breaker({
    probe: () =>
      baseUrl
        ? sender.probe(`${baseUrl}/health`, Math.min(cfg.webhookTimeoutMs, 5_000))
        : Promise.resolve(false),
    intervalMs: cfg.webhookProbeMs,
    logger: log,
    random: ctx.random,
    active: () => running && opts.enabled(),
    onChange: (open) => {
      m?.supportReachable.set(open ? 0 : 1);
      if (!open) {
        maybeMore = true;
        wake();
      }
      opts.onHeldChange?.(open);
    },
  });
  m?.supportReachable.set(1);

  const settler = new Settler(ctx, workerId, {
    flushMs: 5,
    maxBatch: 1000,
    onWritten: (batch) => {
      // Wake for the earliest retry written (a timer; the poll is only the safety net).
      let earliest = Infinity;
      for (const o of batch)
        if (o.status === 'pending' && o.runAt) earliest = Math.min(earliest, o.runAt.getTime());
      if (earliest !== Infinity) wakeAt(earliest);
    },
  });

  function wakeAt(at: number): void {
    if (!running) return;
    if (dueTimer && dueTimer.at <= at) return;
    if (dueTimer) clearTimeout(dueTimer.timer);
    const timer = setTimeout(
      () => {
        dueTimer = undefined;
        maybeMore = true;
        wake();
      },
      Math.max(0, at - ctx.clock.now()),
    );
    timer.unref();
    dueTimer = { at, timer };
  }

  function wake(): void {
    if (!running) return;
    if (pumping) {
      again = true;
      return;
    }
    void pump();
  }

  async function drain(): Promise<void> {
    if (!outboxDirty || outbox.state === 'missing') return;
    outboxDirty = false;
    for (;;) {
      const { moved, inserted } = await drainOutbox(ctx, 500);
      for (const r of inserted) {
        m?.published.inc({ event: r.type, source: 'outbox', status: r.status });
        if (r.status === 'rejected') m?.deadLettered.inc({ event: r.type, reason: 'rejected' });
      }
      if (inserted.some((r) => r.status === 'pending')) maybeMore = true;
      if (moved < 500) return;
    }
  }

  async function pump(): Promise<void> {
    pumping = true;
    try {
      do {
        again = false;
        if (!running) break;
        // The outbox is drained also while the module is off: its events are recorded as
        // skipped then, rather than waiting in the outbox to be sent after `enable`.
        await drain().catch((err) => {
          outboxDirty = true;
          log.warn({ err: (err as Error).message }, 'cannot move events from the outbox; retrying');
        });
        if (!opts.enabled()) break;
        if (!baseUrl) {
          if (
            !warnedNoUrl &&
            (await ctx.db.query<{ due: Date | null }>(sql.NEXT_DUE)).rows[0]?.due
          ) {
            log.warn('SUPPORT_API_URL is not set: events are kept until it is');
            warnedNoUrl = true;
          }
          break;
        }
        if (breaker.open) break;
        if (maybeMore) await expire();
        while (
          running &&
          maybeMore &&
          inFlight < cfg.webhookConcurrency &&
          !breaker.open &&
          opts.enabled()
        ) {
          const want = Math.min(cfg.webhookBatch, cfg.webhookConcurrency - inFlight);
          const now = ctx.clock.now();
          const { rows } = await ctx.db.query<Claimed>(sql.CLAIM, [
            new Date(now),
            new Date(now + cfg.webhookLeaseMs),
            workerId,
            want,
            new Date(now - cfg.eventMaxAgeMs),
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
      } while (again && running);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'dispatcher cannot reach the store; retrying');
      maybeMore = true;
    } finally {
      pumping = false;
    }
  }

  /** Dead-letters what is too old to be delivered as if new (issue 12: 20 days late "ready for pickup"). */
  async function expire(): Promise<void> {
    const now = ctx.clock.now();
    const reason = `expired: occurred more than ${formatDuration(cfg.eventMaxAgeMs)} ago (KGC_SUPPORT_EVENT_MAX_AGE), not sent as if new; kgc-support dlq replay sends it anyway`;
    const { rows } = await ctx.db.query<{ id: string; type: string }>(sql.EXPIRE, [
      new Date(now),
      new Date(now - cfg.eventMaxAgeMs),
      reason,
    ]);
    for (const r of rows) {
      m?.deadLettered.inc({ event: r.type, reason: 'expired' });
      log.warn(
        { eventId: r.id, event: r.type },
        'webhook dead-lettered: expired (older than KGC_SUPPORT_EVENT_MAX_AGE)',
      );
    }
  }

  function start(row: Claimed): void {
    inFlight++;
    m?.inFlight.set(inFlight);
    void deliver(row)
      .catch((err) =>
        log.error(
          { err: (err as Error).message, eventId: row.id },
          'delivery crashed; the lease will bring the event back',
        ),
      )
      .finally(() => {
        inFlight--;
        m?.inFlight.set(inFlight);
        if (inFlight === 0) for (const f of idle) f();
        if (maybeMore && inFlight <= cfg.webhookConcurrency / 2) wake();
      });
  }

  async function deliver(row: Claimed): Promise<void> {
    const url = webhookUrl(baseUrl as string, cfg.webhookPath, row.type);
    const s = await currentSigner();
    const res = await sender.post(
      url,
      s.headers(row.id, row.body, Math.floor(ctx.clock.now() / 1000)),
      row.body,
    );
    m?.attemptDuration.observe(res.durationMs / 1000);
    const at = new Date(ctx.clock.now());
    const base = {
      id: row.id,
      attempt: row.attempts,
      at,
      url,
      httpStatus: res.status,
      durationMs: res.durationMs,
      response: res.response,
      error: res.error,
    };
    let outcome: Outcome;
    if (res.status === null && (await breaker.unreachable())) {
      outcome = { ...base, status: 'pending', runAt: at, failed: 0, outcome: 'held' };
    } else {
      if (res.status !== null) breaker.reachable();
      const d = decide(res.status, res.retryAfterMs, row.failures, policy);
      if (d.outcome === 'delivered') {
        outcome = { ...base, status: 'delivered', runAt: null, failed: 0, outcome: 'delivered' };
        m?.deliveryLatency.observe((at.getTime() - row.created_ms) / 1000);
      } else if (d.outcome === 'retry') {
        outcome = {
          ...base,
          status: 'pending',
          runAt: new Date(at.getTime() + d.delayMs),
          failed: 1,
          outcome: 'retry',
        };
      } else {
        outcome = {
          ...base,
          status: 'dead',
          runAt: null,
          failed: 1,
          outcome: 'dead',
          error: res.error ?? d.reason,
        };
        log.warn(
          { eventId: row.id, event: row.type, status: res.status },
          `webhook dead-lettered: ${d.reason}`,
        );
        m?.deadLettered.inc({ event: row.type, reason: 'failed' });
      }
    }
    m?.deliveries.inc({ outcome: outcome.outcome });
    settler.push(outcome);
  }

  const unlisten = [
    await onChange(ctx.db, (topic, detail) => {
      if (topic === 'events') {
        if (detail === 'outbox') outboxDirty = true;
        maybeMore = true;
        wake();
      }
      if (topic === 'webhook_secrets')
        void loadSigner().catch((err) =>
          log.warn({ err: (err as Error).message }, 'cannot reload the webhook secrets'),
        );
    }),
  ];
  if (ctx.erp !== ctx.db) {
    unlisten.push(
      await onChange(ctx.erp, (topic) => {
        if (topic === 'events') {
          outboxDirty = true;
          wake();
        }
      }),
    );
  }
  let outboxRecheck = 0;
  const poll = setInterval(() => {
    outboxDirty = true;
    maybeMore = true;
    if (outbox.state === 'missing' && ++outboxRecheck % 60 === 0)
      void ensureOutbox(ctx)
        .then((o) => {
          outbox = o;
        })
        .catch(() => {});
    wake();
  }, cfg.webhookPollMs);
  poll.unref();
  wake();

  return {
    workerId,
    wake: () => {
      maybeMore = true;
      outboxDirty = true;
      wake();
    },
    get held() {
      return breaker.open;
    },
    hold: () => {
      if (running && baseUrl && opts.enabled()) breaker.markUnreachable();
    },
    resume: () => {
      if (running) breaker.reachable("the daemon's health check reached Support");
    },
    get inFlight() {
      return inFlight;
    },
    async close() {
      if (!running) return;
      running = false;
      clearInterval(poll);
      if (dueTimer) clearTimeout(dueTimer.timer);
      breaker.stop();
      for (const u of unlisten) await u().catch(() => {});
      // In-flight attempts end within their timeout; then their outcomes are written.
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, cfg.webhookTimeoutMs + 1_000);
          idle.add(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      await settler.close();
      await sender.close().catch(() => {});
    },
  };
}
