/**
 * `kgc-support serve`: the Integration Layer. `startDaemon` is the composition of the
 * daemon's named parts, in the order they start:
 *
 *   logger, refused settings → store (waited for) → context (with the read cache) →
 *   start data (demo, imported keys) → module switch → Support's watch → erasures →
 *   Pull API (compose-app.ts, every route) → change feed → listen → dispatcher →
 *   admin socket → housekeeping
 *
 * and shutdown.ts closes them in one order on SIGTERM or on a failed start: stop
 * accepting, finish in-flight requests, stop the work, flush the audit, release the lock.
 */
import { retentionJob, type RetentionJob } from '../retention/job.js';
import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { AuditWriter } from '../audit/audit-writer.js';
import { createDaemonCache } from '../cache/tiered-cache.js';
import { checkDaemonConfig, describeProblems } from '../config/daemon-env-check.js';
import type { Config } from '../config/settings.js';
import { cryptoRandom, systemClock, type Clock, type Random } from '../context/clock.js';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import { eventStats } from '../events/events.service.js';
import { startErasureWorker, type ErasureWorker } from '../gdpr/worker.js';
import type { SupportMonitor } from '../health/monitor.js';
import type { KeyVerifier } from '../keys/key-verifier.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { openChangeFeed } from '../store/changes.js';
import { registerEngineMetrics } from '../store/engine.metrics.js';
import { startDispatcher } from '../webhooks/dispatcher.js';
import type { Dispatcher } from '../webhooks/dispatcher.types.js';
import { createWebhookMetrics, type WebhookMetrics } from '../webhooks/webhooks.metrics.js';
import { openAdminDoor } from './admin-door.js';
import type { OpReactions } from './op-reactions.js';
import { composeApi } from './compose-app.js';
import { daemonLoggers } from './logger.js';
import { ModuleSwitch } from './module-switch.js';
import { readinessOf } from './readiness.js';
import { closeParts, shutdownOnce, type DaemonParts } from './shutdown.js';
import { loadStartData } from './start-data.js';
import { throwIfStopped } from './stop-signal.js';
import { openStoreWaiting } from './store-wait.js';
import { watchSupport } from './support-watch.js';

export interface DaemonOptions {
  config: Config;
  /** Load the demo data and issue a fresh demo key. */
  demo?: boolean;
  logger?: PinoLogger;
  clock?: Clock;
  random?: Random;
  /** In-memory PGlite, no lock (tests). */
  memory?: boolean;
  /** Where the demo key goes (once); never the log. */
  onDemoKey?: (key: string, keyId: string) => void;
  /**
   * The stop (SIGTERM, SIGINT), created before the start: a stop while starting ends the
   * start at its next step with `interrupted`, everything opened closed, the lock released.
   * A stop after the start is the caller's to turn into close().
   */
  signal?: AbortSignal;
}

export interface Daemon {
  readonly url: string;
  readonly adminSocket: string;
  readonly ctx: Ctx;
  readonly api: FastifyInstance;
  /** The admin API (served on the socket; tests inject into it). */
  readonly admin: FastifyInstance;
  readonly metrics: Metrics;
  readonly verifier: KeyVerifier;
  readonly audit: AuditWriter;
  /** The GDPR cascade: resumes due requests; `fromEvent` is for the intake of the ERP's customer.deleted. */
  readonly erasures: ErasureWorker;
  readonly dispatcher: Dispatcher;
  readonly webhookMetrics: WebhookMetrics;
  /** The Support module's lifecycle (seed 3.2): DISABLED, DISCOVERY, ACTIVE, HEALTHY, DEGRADED, DOWN. */
  readonly support: SupportMonitor;
  moduleEnabled(): boolean;
  close(): Promise<void>;
}

/** Every setting the daemon would refuse, all at once, before anything is opened. */
function refuseInvalidConfig(config: Config): void {
  const problems = checkDaemonConfig(config);
  if (problems.length > 0)
    throw new KgcError('invalid_config', `the daemon cannot start:\n${describeProblems(problems)}`);
}

/**
 * The context every part receives, with the Pull API's read cache: in memory, and in Redis
 * with REDIS_URL (a Redis that is down only costs hits). Other daemons on a PostgreSQL store
 * hear what goes stale in this one (cache/peer-notice.ts).
 */
async function contextOf(opts: DaemonOptions, parts: DaemonParts): Promise<Ctx> {
  const { config } = opts;
  const cache = await createDaemonCache(config, parts.logger, {
    id: `${process.pid}-${cryptoRandom.bytes(4).toString('hex')}`,
    peers: parts.store.db.kind === 'postgres',
  });
  if (cache) parts.cache = cache;
  return {
    config,
    db: parts.store.db,
    erp: parts.store.erp,
    logger: parts.logger,
    clock: opts.clock ?? systemClock,
    random: opts.random ?? cryptoRandom,
    actor: 'daemon',
    ...(cache ? { cache } : {}),
  };
}

/** Listens on the port the store wait held; returns the URL the daemon answers on. */
async function listen(api: FastifyInstance, port: number, config: Config): Promise<string> {
  await api.listen({ port, host: config.host });
  const addr = api.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : config.port;
  return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${bound}`;
}

/** What the later parts use of the earlier ones. */
interface Core {
  readonly ctx: Ctx;
  readonly module: ModuleSwitch;
  readonly metrics: Metrics;
  readonly webhookMetrics: WebhookMetrics;
  readonly support: SupportMonitor;
  readonly erasures: ErasureWorker;
  readonly retention: RetentionJob;
}

/** The context, the start data, the module switch, the metrics, Support's watch and the erasures. */
async function startCore(opts: DaemonOptions, parts: DaemonParts): Promise<Core> {
  const ctx = await contextOf(opts, parts);
  await loadStartData(ctx, opts, opts.signal);
  const module = (parts.module = await ModuleSwitch.start(ctx));
  const metrics = createMetrics();
  parts.cache?.register(metrics.registry);
  registerEngineMetrics(metrics.registry, parts.store.db);
  const webhookMetrics = createWebhookMetrics(metrics.registry, () => eventStats(ctx));
  const support = (parts.support = watchSupport(ctx, module, metrics, () => parts.dispatcher));
  // Partial erasure requests are resumed when due; requests a killed runner left are taken over.
  const erasures = (parts.erasures = startErasureWorker(ctx));
  // Started with the work (startWork); /ready reports it from the start.
  const retention = retentionJob(ctx);
  return { ctx, module, metrics, webhookMetrics, support, erasures, retention };
}

/** The Pull API (every route: compose-app.ts) and the change feed that keeps its caches current. */
async function startApi(core: Core, parts: DaemonParts, live: () => boolean, pino: PinoLogger) {
  const { ctx, module, support } = core;
  const composed = await composeApi({
    ctx,
    metrics: core.metrics,
    readiness: readinessOf(
      ctx.config,
      parts.store,
      support,
      () => module.state,
      () => core.retention.check(),
    ),
    moduleEnabled: () => module.on,
    capabilityEnabled: (c) => module.capabilityOn(c),
    logger: pino,
    live,
    erasures: core.erasures,
    lifecycle: () => support.view(),
    adminApi: () => parts.admin,
    onPublished: (e) =>
      core.webhookMetrics.published.inc({ event: e.event, source: 'api', status: e.status }),
  });
  [parts.api, parts.audit] = [composed.app, composed.audit];
  const feed = (parts.feed = await openChangeFeed(
    parts.store.db,
    (topic, err) =>
      ctx.logger.warn({ err: (err as Error).message, topic }, 'cannot react to a change'),
    // Notifications were lost meanwhile (the LISTEN connection came back): answers in memory may be stale.
    () => parts.cache?.clear(),
  ));
  feed.on('keys', () => composed.verifier.invalidate());
  feed.on('cache', (notice) => parts.cache?.heard(notice));
  feed.on('plugin', () => module.refresh());
  return { ...composed, feed };
}

/** The dispatcher, the admin socket and the retention job: once the Pull API listens at `url`. */
async function startWork(
  core: Core,
  parts: DaemonParts,
  api: Awaited<ReturnType<typeof startApi>>,
  url: string,
  memory: boolean,
) {
  const { ctx, module, support, webhookMetrics } = core;
  // Webhooks start once the API listens; they stop before the store closes.
  const dispatcher = (parts.dispatcher = await startDispatcher({
    ctx,
    enabled: () => module.on,
    metrics: webhookMetrics,
    onHeldChange: (held) => support.deliveriesHeld(held),
  }));
  support.start();
  const reactions: OpReactions = {
    flushAudit: () => api.audit.flush(),
    caughtUp: (ms) => api.feed.caughtUp(ms),
    keysChanged: () => api.verifier.invalidate(),
    moduleChanged: () => module.refresh(),
    eventsQueued: () => dispatcher.wake(),
    published: (e) =>
      webhookMetrics.published.inc({ event: e.event, source: 'cli', status: e.status }),
  };
  const info = () => ({
    pid: process.pid,
    url,
    store: parts.store.db.label,
    module_enabled: module.on,
    support: support.view(),
  });
  const admin = await openAdminDoor(ctx, reactions, info, !memory);
  parts.admin = admin.app;
  if (admin.socketPath) parts.store.lock?.update({ adminSocket: admin.socketPath, url });
  // What is past its retention period goes (src/retention), every KGC_SUPPORT_RETENTION_INTERVAL.
  parts.stopHousekeeping = core.retention.start();
  ctx.logger.info(
    { url, store: parts.store.db.label, adminSocket: admin.socketPath, moduleEnabled: module.on },
    'kgc-support daemon listening',
  );
  return { dispatcher, admin };
}

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { config } = opts;
  const { pino, logger } = await daemonLoggers(config, opts.logger);
  refuseInvalidConfig(config);
  // An unreachable (or full) store is waited for, the port answering 503 meanwhile.
  const { signal } = opts;
  const waited = await openStoreWaiting({
    config,
    logger,
    memory: opts.memory === true,
    ...(signal ? { signal } : {}),
  });
  const parts: DaemonParts = { store: waited.store, logger, pino };
  // /health passes only between a complete start and the beginning of the shutdown.
  let serving = false;
  try {
    const core = await startCore(opts, parts);
    const api = await startApi(core, parts, () => serving, pino);
    throwIfStopped(signal, 'starting');
    const url = await listen(api.app, waited.port, config);
    const { dispatcher, admin } = await startWork(core, parts, api, url, opts.memory === true);
    const close = shutdownOnce(parts, config.shutdownTimeoutMs, () => {
      serving = false;
    });
    throwIfStopped(signal, 'starting');
    serving = true;
    const { ctx, metrics, erasures, webhookMetrics, support, module } = core;
    const { app, verifier, audit } = api;
    return {
      ...{ url, adminSocket: admin.socketPath ?? config.adminSocket, ctx, api: app },
      ...{ admin: admin.app, metrics, verifier, audit, erasures, dispatcher },
      ...{ webhookMetrics, support, moduleEnabled: () => module.on, close },
    };
  } catch (err) {
    // A start that fails after the API (or the admin socket) listened closes them too: no half-started daemon keeps running.
    serving = false;
    await closeParts(parts, 0).catch(() => {});
    throw err;
  }
}
