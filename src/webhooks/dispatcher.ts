/**
 * The webhook dispatcher inside `serve` (DESIGN.md 6). It moves the ERP's outbox
 * into the event store, claims due events in batches (one SKIP LOCKED statement),
 * keeps up to `concurrency` deliveries in flight, signs each attempt afresh, and
 * hands outcomes to the Settler, which writes them in batches.
 *
 * Wake-ups: LISTEN on the change channel (a publish, an outbox INSERT, a replay)
 * and a timer for the next retry; a poll every KGC_SUPPORT_WEBHOOK_POLL is the
 * safety net for a missed notification. While the module is disabled nothing is
 * claimed; while Support is unreachable the Breaker holds deliveries. Where due
 * events come from is the queue's business (queue/: postgres or bullmq, chosen by
 * KGC_SUPPORT_QUEUE); delivery and the settle path are the same for both.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import { formatDuration } from '../config/duration.js';
import { drainOutbox, ensureOutbox } from '../events/outbox.js';
import { onChange } from '../store/changes.js';
import { Breaker } from './breaker.js';
import { deliverOnce, type DeliveryDeps } from './delivery.js';
import * as sql from './dispatch.queries.js';
import { postgresQueue } from './queue/postgres.js';
import type { Claimed, QueueHost, QueueKind, WebhookQueue } from './queue/queue.js';
import type { RetryPolicy } from './schedule.js';
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
}

export interface Dispatcher {
  readonly workerId: string;
  /** Which queue feeds this dispatcher (KGC_SUPPORT_QUEUE). */
  readonly queue: QueueKind;
  /** Look for work now (after a publish, a replay, the module switched on). */
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
  let poked = true;
  let outboxDirty = true;
  let pumping = false;
  let again = false;
  let warnedNoUrl = false;
  const inFlightDone = new Set<() => void>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const emit = <K extends keyof DispatcherEvents>(k: K, v: DispatcherEvents[K]): void => {
    events.emit(k, v);
  };
  const on = <K extends keyof DispatcherEvents>(
    k: K,
    fn: (v: DispatcherEvents[K]) => void,
  ): (() => void) => {
    events.on(k, fn);
    return () => events.off(k, fn);
  };

  const breaker = new Breaker({
    probe: () =>
      baseUrl
        ? sender.probe(`${baseUrl}/health`, Math.min(cfg.webhookTimeoutMs, 5_000))
        : Promise.resolve(false),
    intervalMs: cfg.webhookProbeMs,
    logger: log,
    random: ctx.random,
    active: () => running && opts.enabled(),
    onProbe: (up) => emit('probe', up),
    onChange: (open) => {
      m?.supportReachable.set(open ? 0 : 1);
      queue.held(open);
      if (!open) {
        poked = true;
        wake();
      }
      opts.onHeldChange?.(open);
      emit('held', open);
    },
  });
  m?.supportReachable.set(1);

  const deps: DeliveryDeps = {
    ctx,
    log,
    baseUrl: baseUrl ?? '',
    sender,
    breaker,
    policy,
    signer: currentSigner,
    ...(m ? { metrics: m } : {}),
  };
  const host: QueueHost = {
    ctx,
    log,
    workerId,
    get inFlight() {
      return inFlight;
    },
    ready: () => running && opts.enabled() && baseUrl !== undefined && !breaker.open,
    run,
    wake,
  };
  const queue: WebhookQueue =
    cfg.queue === 'bullmq'
      ? // Loaded only when chosen: BullMQ and its dependencies cost every other daemon memory.
        await (await import('./queue/bullmq.js')).bullmqQueue(host)
      : postgresQueue(host);
  log.info(
    cfg.queue === 'bullmq' ? { queue: 'bullmq', prefix: cfg.queuePrefix } : { queue: 'postgres' },
    'webhook deliveries start',
  );

  const settler = new Settler(ctx, workerId, {
    flushMs: 5,
    maxBatch: 1000,
    onWritten: (batch) => {
      queue.settled(batch);
      emit('settled', batch);
      // The last outcome is written: look once more (after this write ends), so that 'idle' can be told.
      if (inFlight === 0 && events.listenerCount('idle') > 0) setImmediate(wake);
    },
  });

  function wake(): void {
    if (!running) return;
    if (pumping) {
      again = true;
      return;
    }
    void pump();
  }

  /** Publishes 'idle' when nothing is in flight, unwritten or due for this dispatcher. */
  async function checkIdle(): Promise<void> {
    if (events.listenerCount('idle') === 0) return;
    const quiet = () => inFlight === 0 && settler.idle && !pumping;
    if (!quiet()) return;
    if (await queue.busy().catch(() => true)) return;
    if (quiet()) emit('idle', undefined);
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
      if (inserted.some((r) => r.status === 'pending')) poked = true;
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
        if (poked) {
          poked = false;
          await expire();
          queue.poke();
        }
        await queue.pump();
      } while (again && running);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'dispatcher cannot reach the store; retrying');
      poked = true;
    } finally {
      pumping = false;
    }
    await checkIdle();
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

  /** One claimed event: delivered, its outcome handed to the settler. */
  function run(row: Claimed): Promise<void> {
    inFlight++;
    m?.inFlight.set(inFlight);
    return deliverOnce(deps, row)
      .then((o) => settler.push(o))
      .catch((err) =>
        log.error(
          { err: (err as Error).message, eventId: row.id },
          'delivery crashed; the lease will bring the event back',
        ),
      )
      .finally(() => {
        inFlight--;
        m?.inFlight.set(inFlight);
        if (inFlight === 0) for (const f of inFlightDone) f();
      });
  }

  const unlisten = [
    await onChange(ctx.db, (topic, detail) => {
      if (topic === 'events') {
        if (detail === 'outbox') outboxDirty = true;
        poked = true;
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
    poked = true;
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

  const wakeUp = (): void => {
    poked = true;
    outboxDirty = true;
    wake();
  };

  return {
    workerId,
    queue: queue.kind,
    wake: wakeUp,
    on,
    waitIdle(timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => {
          off();
          reject(
            new Error(
              `the dispatcher was not idle within ${timeoutMs} ms (in flight: ${inFlight}, unwritten: ${settler.pending})`,
            ),
          );
        }, timeoutMs);
        const off = on('idle', () => {
          clearTimeout(t);
          off();
          resolve();
        });
        wakeUp();
      });
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
      breaker.stop();
      for (const u of unlisten) await u().catch(() => {});
      await queue.stop().catch(() => {});
      // In-flight attempts end within their timeout; then their outcomes are written.
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, cfg.webhookTimeoutMs + 1_000);
          inFlightDone.add(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      await settler.close();
      await queue.close().catch(() => {});
      await sender.close().catch(() => {});
      events.removeAllListeners();
    },
  };
}
