/**
 * The webhook dispatcher inside `serve` (docs/webhooks.md tells the contract it keeps). It
 * claims due events in batches, keeps up to `concurrency` deliveries in flight, signs each
 * attempt afresh (signer-cache.ts) and hands outcomes to the Settler, which writes them in
 * batches. Its parts, each on its own:
 *
 *   wake-loop.ts        the loop's states (WAITING, PASSING, PASSING_AGAIN, STOPPED), one wake path
 *   events/outbox-pump  moves the ERP's outbox into the store when the ERP wrote to it
 *   signer-cache.ts     the signing secrets, reloaded when they change or one expires
 *   breaker.ts          holds deliveries while Support is unreachable
 *   queue/              where due events come from (postgres or bullmq, KGC_SUPPORT_QUEUE)
 *   settler.ts          writes outcomes; the same settle path for both queues
 *
 * Every wake goes through `WakeLoop.wake` with its reason (WakeReason below): the store's
 * change notification (one per publish, replay or outbox move), the ERP's outbox
 * notification, the poll every KGC_SUPPORT_WEBHOOK_POLL (the safety net for a missed
 * notification), the queue's retry timer, Support back, an operator's wake. A pass, in order:
 * drain the outbox if the ERP wrote to it (also while the module is off: its events are
 * recorded as skipped then); stop there when the module is off, SUPPORT_API_URL unset or
 * deliveries held; when new work may be due, dead-letter what is too old and tell the
 * queue; then let the queue claim and deliver.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Config } from '../config/settings.js';
import type { Ctx } from '../context/context.js';
import type { Logger } from '../context/logger.js';
import { KgcError } from '../errors/kgc-error.js';
import type { EventRow } from '../events/event-row.js';
import { openOutboxPump, type OutboxPump } from '../events/outbox-pump.js';
import { onChange } from '../store/changes.js';
import { Breaker } from './breaker.js';
import { deliverOnce, type DeliveryDeps } from './delivery.js';
import * as sql from './dispatch.queries.js';
import { expireTooOld } from './expiry.js';
import { postgresQueue } from './queue/postgres.js';
import type { Claimed, QueueHost, QueueKind, WebhookQueue } from './queue/queue.js';
import { createSender, type Sender } from './sender.js';
import { Settler, type Outcome } from './settler.js';
import { openSignerCache, type SignerCache } from './signer-cache.js';
import type {
  Dispatcher,
  DispatcherEvents,
  DispatcherOptions,
  WakeReason,
} from './dispatcher.types.js';
import { WakeLoop, type LoopState } from './wake-loop.js';

/** The reasons that mean new work may be due (WakeReason). */
const NEW_WORK: ReadonlySet<WakeReason> = new Set(['start', 'events', 'poll', 'asked', 'resumed']);

/** The lease must outlast an attempt, or a slow attempt's event would be claimed twice. */
function refuseShortLease(cfg: Config): void {
  if (cfg.webhookLeaseMs <= cfg.webhookTimeoutMs + 1_000) {
    throw new KgcError(
      'invalid_config',
      'KGC_SUPPORT_WEBHOOK_LEASE must exceed KGC_SUPPORT_WEBHOOK_TIMEOUT by more than a second',
    );
  }
}

export async function startDispatcher(opts: DispatcherOptions): Promise<Dispatcher> {
  const { ctx } = opts;
  refuseShortLease(ctx.config);
  const signer = await openSignerCache(ctx);
  // The embedded store has one daemon: what a killed predecessor had leased is free now.
  if (ctx.db.kind === 'pglite') await ctx.db.query(sql.RELEASE_LEASES, [new Date(ctx.clock.now())]);
  const d = new WebhookDispatcher(opts, signer);
  await d.open();
  return d;
}

class WebhookDispatcher implements Dispatcher {
  readonly workerId: string;
  private readonly log: Logger;
  private readonly events = new EventEmitter().setMaxListeners(0);
  private readonly loop: WakeLoop<WakeReason>;
  private readonly sender: Sender;
  private readonly breaker: Breaker;
  private readonly settler: Settler;
  private readonly inFlightDone = new Set<() => void>();
  private queueImpl: WebhookQueue | undefined;
  private outbox: OutboxPump | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private poll: NodeJS.Timeout | undefined;
  private running = 0;
  private warnedNoUrl = false;

  constructor(
    private readonly opts: DispatcherOptions,
    private readonly signer: SignerCache,
  ) {
    const { ctx } = opts;
    const cfg = ctx.config;
    this.log = ctx.logger.child({ component: 'webhooks' });
    this.workerId =
      opts.workerId ?? `${hostname()}:${process.pid}:${ctx.random.bytes(3).toString('hex')}`;
    this.loop = new WakeLoop<WakeReason>({
      pass: (reasons) => this.pass(reasons),
      onTransition: (_from, to) => this.emit('state', to),
      onRest: () => void this.checkIdle(),
    });
    this.sender = createSender({
      connections: cfg.webhookConcurrency,
      timeoutMs: cfg.webhookTimeoutMs,
      now: () => ctx.clock.now(),
    });
    this.breaker = this.makeBreaker();
    this.settler = new Settler(ctx, this.workerId, {
      flushMs: 5,
      maxBatch: 1000,
      onWritten: (batch) => this.written(batch),
    });
  }

  private get ctx(): Ctx {
    return this.opts.ctx;
  }

  /** The queue, the outbox pump, the listener and the poll; then the first pass. */
  async open(): Promise<void> {
    const { ctx } = this;
    const cfg = ctx.config;
    this.opts.metrics?.supportReachable.set(1);
    const host = this.queueHost();
    this.queueImpl =
      cfg.queue === 'bullmq'
        ? // Loaded only when chosen: BullMQ and its dependencies cost every other daemon memory.
          await (await import('./queue/bullmq.js')).bullmqQueue(host)
        : postgresQueue(host);
    this.log.info(
      cfg.queue === 'bullmq' ? { queue: 'bullmq', prefix: cfg.queuePrefix } : { queue: 'postgres' },
      'webhook deliveries start',
    );
    this.outbox = await openOutboxPump(ctx, () => this.wakeFor('outbox'));
    this.unlisten = await onChange(ctx.db, (topic, detail) => {
      // `events:outbox` is the ERP's, heard by the outbox pump (on this database or the ERP's).
      if (topic === 'events' && detail !== 'outbox') this.wakeFor('events');
      if (topic === 'webhook_secrets')
        void this.signer
          .reload()
          .catch((err) =>
            this.log.warn({ err: (err as Error).message }, 'cannot reload the webhook secrets'),
          );
    });
    this.poll = setInterval(() => {
      this.outbox?.polled();
      this.wakeFor('poll');
    }, cfg.webhookPollMs);
    this.poll.unref();
    this.wakeFor('start');
  }

  private get queueOf(): WebhookQueue {
    if (!this.queueImpl) throw new KgcError('internal', 'the dispatcher has no queue yet');
    return this.queueImpl;
  }

  private makeBreaker(): Breaker {
    const { ctx, opts } = this;
    const cfg = ctx.config;
    const baseUrl = cfg.supportApiUrl;
    return new Breaker({
      probe: () =>
        baseUrl
          ? this.sender.probe(`${baseUrl}/health`, Math.min(cfg.webhookTimeoutMs, 5_000))
          : Promise.resolve(false),
      intervalMs: cfg.webhookProbeMs,
      logger: this.log,
      random: ctx.random,
      active: () => this.loop.state !== 'STOPPED' && opts.enabled(),
      onProbe: (up) => this.emit('probe', up),
      onChange: (open) => {
        opts.metrics?.supportReachable.set(open ? 0 : 1);
        this.queueImpl?.held(open);
        if (!open) this.wakeFor('resumed');
        opts.onHeldChange?.(open);
        this.emit('held', open);
      },
    });
  }

  private queueHost(): QueueHost {
    const { ctx } = this;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the host reads live counters
    const self = this;
    return {
      ctx,
      log: this.log,
      workerId: this.workerId,
      get inFlight() {
        return self.running;
      },
      ready: () => this.mayDeliver(),
      run: (row) => this.run(row),
      wake: () => this.wakeFor('queue'),
    };
  }

  /** Running, module on, a URL, Support not held. */
  private mayDeliver(): boolean {
    return (
      this.loop.state !== 'STOPPED' &&
      this.opts.enabled() &&
      this.ctx.config.supportApiUrl !== undefined &&
      !this.breaker.open
    );
  }

  /** The one wake path. */
  private wakeFor(reason: WakeReason): void {
    if (this.loop.state === 'STOPPED') return;
    this.emit('wake', reason);
    this.loop.wake(reason);
  }

  /** One pass (see the header); a failure hands its reasons back to the loop. */
  private async pass(reasons: ReadonlySet<WakeReason>): Promise<void> {
    try {
      const inserted = await this.drainOutbox();
      if (!(await this.mayClaim())) return;
      const fresh = inserted.some((r) => r.status === 'pending');
      if (fresh || [...reasons].some((r) => NEW_WORK.has(r))) {
        await expireTooOld(this.ctx, this.log, this.opts.metrics);
        this.queueOf.poke();
      }
      await this.queueOf.pump();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'dispatcher cannot reach the store; retrying');
      throw err;
    }
  }

  /** The outbox's rows into the store, counted; a failure is logged and left to the next pass. */
  private async drainOutbox(): Promise<EventRow[]> {
    const m = this.opts.metrics;
    const inserted = await (this.outbox?.drain() ?? Promise.resolve([])).catch((err) => {
      this.log.warn(
        { err: (err as Error).message },
        'cannot move events from the outbox; retrying',
      );
      return [];
    });
    for (const r of inserted) {
      m?.published.inc({ event: r.type, source: 'outbox', status: r.status });
      if (r.status === 'rejected') m?.deadLettered.inc({ event: r.type, reason: 'rejected' });
    }
    return inserted;
  }

  /** Whether this pass goes on to the queue: running, module on, a URL (warned once), not held. */
  private async mayClaim(): Promise<boolean> {
    if (this.loop.state === 'STOPPED' || !this.opts.enabled()) return false;
    if (!this.ctx.config.supportApiUrl) {
      if (!this.warnedNoUrl) {
        const { rows } = await this.ctx.db.query<{ due: Date | null }>(sql.NEXT_DUE);
        if (rows[0]?.due) {
          this.log.warn('SUPPORT_API_URL is not set: events are kept until it is');
          this.warnedNoUrl = true;
        }
      }
      return false;
    }
    return !this.breaker.open;
  }

  /** One claimed event: delivered, its outcome handed to the settler. */
  private run(row: Claimed): Promise<void> {
    const m = this.opts.metrics;
    this.running++;
    m?.inFlight.set(this.running);
    return deliverOnce(this.deliveryDeps(), row)
      .then((o) => this.settler.push(o))
      .catch((err) =>
        this.log.error(
          { err: (err as Error).message, eventId: row.id },
          'delivery crashed; the lease will bring the event back',
        ),
      )
      .finally(() => {
        this.running--;
        m?.inFlight.set(this.running);
        if (this.running === 0) for (const f of this.inFlightDone) f();
      });
  }

  private deps: DeliveryDeps | undefined;
  private deliveryDeps(): DeliveryDeps {
    const { ctx } = this;
    const cfg = ctx.config;
    const m = this.opts.metrics;
    this.deps ??= {
      ctx,
      log: this.log,
      baseUrl: cfg.supportApiUrl ?? '',
      sender: this.sender,
      breaker: this.breaker,
      policy: {
        schedule: cfg.webhookSchedule,
        jitterPct: cfg.webhookJitterPct,
        random: ctx.random,
      },
      signer: () => this.signer.current(),
      ...(m ? { metrics: m } : {}),
    };
    return this.deps;
  }

  private written(batch: readonly Outcome[]): void {
    this.queueImpl?.settled(batch);
    this.emit('settled', batch);
    // The last outcome is written: look once more (after this write ends), so that 'idle' can be told.
    if (this.running === 0 && this.events.listenerCount('idle') > 0)
      setImmediate(() => this.wakeFor('settled'));
  }

  /** Publishes 'idle' when nothing is in flight, unwritten or due for this dispatcher. */
  private async checkIdle(): Promise<void> {
    if (this.events.listenerCount('idle') === 0) return;
    const quiet = () => this.running === 0 && this.settler.idle && this.loop.state === 'WAITING';
    if (!quiet()) return;
    if (await this.queueOf.busy().catch(() => true)) return;
    if (quiet()) this.emit('idle', undefined);
  }

  private emit<K extends keyof DispatcherEvents>(k: K, v: DispatcherEvents[K]): void {
    this.events.emit(k, v);
  }

  on<K extends keyof DispatcherEvents>(k: K, fn: (v: DispatcherEvents[K]) => void): () => void {
    this.events.on(k, fn);
    return () => this.events.off(k, fn);
  }

  get queue(): QueueKind {
    return this.queueOf.kind;
  }
  get state(): LoopState {
    return this.loop.state;
  }
  get outboxDrains(): number {
    return this.outbox?.drains ?? 0;
  }
  get held(): boolean {
    return this.breaker.open;
  }
  get inFlight(): number {
    return this.running;
  }

  wake(): void {
    this.wakeFor('asked');
  }

  waitIdle(timeoutMs = 20_000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        off();
        reject(
          new Error(
            `the dispatcher was not idle within ${timeoutMs} ms (in flight: ${this.running}, unwritten: ${this.settler.pending})`,
          ),
        );
      }, timeoutMs);
      const off = this.on('idle', () => {
        clearTimeout(t);
        off();
        resolve();
      });
      this.wakeFor('asked');
    });
  }

  hold(): void {
    if (this.loop.state !== 'STOPPED' && this.ctx.config.supportApiUrl && this.opts.enabled())
      this.breaker.markUnreachable();
  }

  resume(): void {
    if (this.loop.state !== 'STOPPED')
      this.breaker.reachable("the daemon's health check reached Support");
  }

  async close(): Promise<void> {
    if (this.loop.state === 'STOPPED') return;
    this.loop.stop();
    clearInterval(this.poll);
    this.breaker.stop();
    await this.unlisten?.().catch(() => {});
    await this.outbox?.close().catch(() => {});
    await this.queueImpl?.stop().catch(() => {});
    // In-flight attempts end within their timeout; then their outcomes are written.
    if (this.running > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.ctx.config.webhookTimeoutMs + 1_000);
        this.inFlightDone.add(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    await this.settler.close();
    await this.queueImpl?.close().catch(() => {});
    await this.sender.close().catch(() => {});
    this.events.removeAllListeners();
  }
}
