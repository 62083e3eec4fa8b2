/**
 * `kgc-support serve`: the Integration Layer. Opens the store under its lock,
 * serves the Pull API on TCP and the admin API on a Unix socket, keeps its caches
 * in step with the store through change notifications, and shuts down in order on
 * SIGTERM: stop accepting, finish in-flight requests, flush the audit, release the lock.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { ReadinessReport } from '../api/routes/health.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import { checkDaemonConfig, describeProblems } from '../config/daemon-env-check.js';
import type { Config } from '../config/settings.js';
import { cryptoRandom, systemClock, type Clock, type Random } from '../context/clock.js';
import { createDaemonCache } from '../cache/tiered-cache.js';
import type { Ctx } from '../context/context.js';
import type { Logger } from '../context/logger.js';
import { contractCheck } from '../erp/contract.js';
import { KgcError } from '../errors/kgc-error.js';
import { seedDemo } from '../erp/demo/seed.js';
import { startErasureWorker, type ErasureWorker } from '../gdpr/worker.js';
import { registerLifecycleMetrics } from '../health/lifecycle.metrics.js';
import { createSupportMonitor, type SupportMonitor } from '../health/monitor.js';
import { cachedRedisCheck, supportCheck, switchCheck } from '../health/readiness.js';
import { importInstallerKey } from '../keys/installer-import.js';
import type { KeyVerifier } from '../keys/key-verifier.js';
import { createKey, listKeys, revokeKey } from '../keys/keys.service.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { CAPABILITIES } from '../plugin/plugin.schema.js';
import { applyEnvSwitch, getPluginState } from '../plugin/plugin.service.js';
import { onChange } from '../store/changes.js';
import type { Db } from '../context/db.js';
import { registerEngineMetrics } from '../store/engine.metrics.js';
import type { Store } from '../store/open.js';
import { ALL_OPS } from '../admin/registry.js';
import { buildAdminApp, listenOnSocket } from '../admin/server.js';
import { adminSocketPath, prepareSocketPlace } from '../admin/socket-path.js';
import { eventStats, sweepFinishedEvents } from '../events/events.service.js';
import { startDispatcher, type Dispatcher } from '../webhooks/dispatcher.js';
import { createWebhookMetrics, type WebhookMetrics } from '../webhooks/webhooks.metrics.js';
import { composeApi } from './compose-app.js';
import { createDaemonLogger, logDestination } from './logger.js';
import { opHooks } from './op-reactions.js';
import { throwIfStopped } from './stop-signal.js';
import { openStoreWaiting } from './store-wait.js';

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

async function ping(
  db: Db,
  timeoutMs: number,
): Promise<{ status: 'pass' | 'fail'; latency_ms: number; detail?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'pass', latency_ms: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      status: 'fail',
      latency_ms: Math.round(performance.now() - started),
      detail: (err as Error).message,
    };
  } finally {
    clearTimeout(timer);
  }
}

const DEMO_KEY_NAME = 'demo';

async function issueDemoKey(ctx: Ctx): Promise<{ key: string; id: string }> {
  for (const k of await listKeys(ctx, {}))
    if (k.name === DEMO_KEY_NAME) await revokeKey(ctx, { id: k.id });
  const issued = await createKey(ctx, {
    name: DEMO_KEY_NAME,
    scopes: ['support:read', 'support:appointments'],
    expires_in: '30d',
  });
  return { key: issued.api_key, id: issued.key.id };
}

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { config } = opts;
  const pinoLogger =
    opts.logger ??
    createDaemonLogger(
      config.logLevel,
      await logDestination(config.logFormat, process.env, process.stdout.isTTY === true),
    );
  const logger = pinoLogger as unknown as Logger;
  const clock = opts.clock ?? systemClock;
  // Refused before anything is opened, every problem at once (the same check as init, render and doctor).
  const problems = checkDaemonConfig(config);
  if (problems.length > 0)
    throw new KgcError('invalid_config', `the daemon cannot start:\n${describeProblems(problems)}`);
  // An unreachable (or full) store is waited for, the port answering 503 meanwhile.
  const signal = opts.signal;
  const waited = await openStoreWaiting({
    config,
    logger,
    memory: opts.memory === true,
    ...(signal ? { signal } : {}),
  });
  const store: Store = waited.store;
  const cleanups: (() => Promise<void> | void)[] = [];
  // What a failed start must close besides the cleanups: the listening servers, the dispatcher, the audit writer.
  const opened: (() => Promise<void> | void)[] = [];
  // /health passes only between a complete start and the beginning of the shutdown.
  let serving = false;
  try {
    // The Pull API's read cache (src/cache): in memory, and in Redis with REDIS_URL (a Redis that
    // is down only costs hits). Other daemons on a PostgreSQL store hear what goes stale.
    const cache = await createDaemonCache(config, logger, {
      id: `${process.pid}-${cryptoRandom.bytes(4).toString('hex')}`,
      peers: store.db.kind === 'postgres',
    });
    if (cache) cleanups.push(() => cache.close());
    const ctx: Ctx = {
      config,
      db: store.db,
      erp: store.erp,
      logger,
      clock,
      random: opts.random ?? cryptoRandom,
      actor: 'daemon',
      ...(cache ? { cache } : {}),
    };

    if (opts.demo) {
      throwIfStopped(signal, 'loading the demo data');
      const summary = await seedDemo(ctx);
      logger.info(summary, 'demo data loaded');
      const demoKey = await issueDemoKey(ctx);
      opts.onDemoKey?.(demoKey.key, demoKey.id);
    }

    throwIfStopped(signal, 'starting');
    // The keys the installer rendered (the Support system's, the ERP's): known by their hash from now on.
    await importInstallerKey(ctx, 'chatbot', config.inboundApiKey);
    await importInstallerKey(ctx, 'context', config.contextApiKey);
    await importInstallerKey(ctx, 'erp', config.publishApiKey);

    await applyEnvSwitch(ctx, config.supportModuleEnabled);
    // The switches as this daemon applies them: the module's, each capability's, and how
    // SUPPORT_MODULE_ENABLED stands against them (logged now, shown on /ready and the admin page).
    let switches = await getPluginState(ctx);
    let enabled = switches.enabled;
    if (!switches.environment.agrees)
      logger.warn(
        { moduleEnabled: enabled, SUPPORT_MODULE_ENABLED: switches.environment.value },
        switches.environment.detail,
      );
    const metrics = createMetrics();
    cache?.register(metrics.registry);
    registerEngineMetrics(metrics.registry, store.db);
    const webhookMetrics = createWebhookMetrics(metrics.registry, () => eventStats(ctx));
    let dispatcher: Dispatcher | undefined;
    let adminApp: FastifyInstance | undefined;
    // The daemon's watch on Support; started once the dispatcher runs, since they keep one story.
    const support = createSupportMonitor({
      urls: {
        chatbot: config.supportApiUrl,
        context: config.supportContextUrl,
        chatwoot: config.chatwootUrl,
      },
      intervalMs: config.healthIntervalMs,
      timeoutMs: config.healthTimeoutMs,
      clock,
      logger,
      enabled: () => enabled,
      holdDeliveries: () => dispatcher?.hold(),
      resumeDeliveries: () => dispatcher?.resume(),
    });
    cleanups.push(() => support.close());
    registerLifecycleMetrics(metrics.registry, () => support.view());

    // Partial erasure requests are resumed when due; requests a killed runner left are taken over.
    const erasures = startErasureWorker(ctx);
    cleanups.push(() => erasures.close());

    const redisReady = config.redisUrl ? cachedRedisCheck(config.redisUrl) : undefined;
    const readiness = async (): Promise<ReadinessReport> => {
      const own = await ping(store.db, 2_000);
      const erp = store.erp !== store.db ? await ping(store.erp, 2_000) : undefined;
      const checks: ReadinessReport['checks'] = {
        store: own,
        store_writes: await store.condition.check(),
        ...(erp ? { erp } : {}),
        erp_contract: await contractCheck(store.erp, erp ?? own, erp !== undefined),
        // Support and Redis away only warn: the daemon is degraded, serves the ERP and retries.
        support: supportCheck(support.view()),
        module_switch: switchCheck(switches),
      };
      if (redisReady) checks.redis = await redisReady();
      const status = Object.values(checks).some((c) => c.status === 'fail') ? 'fail' : 'pass';
      return { status, checks };
    };

    // The same composition the tests inject into (compose-app.ts).
    const {
      app: api,
      verifier,
      audit,
    } = await composeApi({
      ctx,
      metrics,
      readiness,
      moduleEnabled: () => enabled,
      capabilityEnabled: (c) => switches.capabilities[c].enabled,
      logger: pinoLogger,
      live: () => serving,
      erasures,
      lifecycle: () => support.view(),
      adminApi: () => adminApp,
      onPublished: (e) => {
        webhookMetrics.published.inc({ event: e.event, source: 'api', status: e.status });
        if (e.status === 'pending') dispatcher?.wake();
      },
    });
    opened.push(() => audit.close());
    opened.push(() => api.close());
    // Refreshes run one after another, so a slow early read never overwrites a later one.
    let refreshing: Promise<void> = Promise.resolve();
    const refreshModule = (): Promise<void> => {
      refreshing = refreshing
        .catch(() => {})
        .then(async () => {
          const state = await getPluginState(ctx);
          for (const c of CAPABILITIES)
            if (state.capabilities[c].enabled !== switches.capabilities[c].enabled)
              logger.info(
                { capability: c, enabled: state.capabilities[c].enabled },
                `${c} switched ${state.capabilities[c].enabled ? 'on' : 'off'}`,
              );
          switches = state;
          const next = state.enabled;
          const changed = next !== enabled;
          if (changed)
            logger.info(
              { enabled: next },
              next ? 'Support module enabled' : 'Support module disabled',
            );
          enabled = next;
          if (changed) support.moduleChanged(next);
          if (enabled) dispatcher?.wake();
        });
      return refreshing;
    };
    const unlisten = await onChange(
      store.db,
      (topic, detail) => {
        if (topic === 'keys') verifier.invalidate();
        else if (topic === 'cache') cache?.heard(detail);
        else if (topic === 'plugin')
          void refreshModule().catch((err) =>
            logger.warn({ err: (err as Error).message }, 'cannot read the module switch'),
          );
      },
      // Notifications were lost meanwhile: answers in memory may be stale.
      () => cache?.clear(),
    );
    cleanups.push(unlisten);
    // Safety net for a missed notification (a dropped LISTEN connection): re-read every few seconds.
    const poll = setInterval(() => {
      void refreshModule().catch(() => {});
    }, 5_000);
    poll.unref();
    cleanups.push(() => clearInterval(poll));

    throwIfStopped(signal, 'starting');
    await api.listen({ port: waited.port, host: config.host });
    const addr = api.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

    // Webhooks start once the API listens; they stop before the store closes.
    const theDispatcher = await startDispatcher({
      ctx,
      enabled: () => enabled,
      metrics: webhookMetrics,
      onHeldChange: (held) => support.deliveriesHeld(held),
    });
    dispatcher = theDispatcher;
    opened.push(() => theDispatcher.close());
    support.start();

    let socketPath = config.adminSocket;
    // The admin page calls the operations through this same app, as the CLI does.
    const admin = await buildAdminApp({
      ctx,
      ops: ALL_OPS,
      // Reactions to what each operation declares it changes (op-reactions.ts).
      ...opHooks({
        flushAudit: () => audit.flush(),
        keysChanged: () => verifier.invalidate(),
        moduleChanged: refreshModule,
        eventsQueued: () => theDispatcher.wake(),
        published: (e) =>
          webhookMetrics.published.inc({ event: e.event, source: 'cli', status: e.status }),
      }),
      info: () => ({
        pid: process.pid,
        url,
        store: store.db.label,
        module_enabled: enabled,
        support: support.view(),
      }),
    });
    opened.push(() => admin.close());
    adminApp = admin;
    if (!opts.memory) {
      // Owner-only: its directory is the daemon user's and nobody else's to write (socket-path.ts).
      try {
        const place = prepareSocketPlace(socketPath, {
          isDefault: socketPath === adminSocketPath(config.dataDir),
        });
        await listenOnSocket(admin, place);
        socketPath = place.path;
      } catch (err) {
        throw new KgcError(
          'invalid_config',
          `KGC_SUPPORT_ADMIN_SOCKET: cannot open the admin socket ${socketPath} (${(err as Error).message})`,
          { cause: err },
        );
      }
      store.lock?.update({ adminSocket: socketPath, url });
    }

    // Idempotency records are kept for a day.
    const sweep = setInterval(() => {
      void store.db
        .query(`DELETE FROM kgc_support.idempotency WHERE created_at < $1`, [
          new Date(clock.now() - 86_400_000),
        ])
        .catch((err) => logger.warn({ err: (err as Error).message }, 'idempotency sweep failed'));
      void sweepFinishedEvents(ctx, config.eventRetentionMs).catch((err) =>
        logger.warn({ err: (err as Error).message }, 'event retention sweep failed'),
      );
    }, 3_600_000);
    sweep.unref();
    cleanups.push(() => clearInterval(sweep));

    logger.info(
      {
        url,
        store: store.db.label,
        adminSocket: opts.memory ? undefined : socketPath,
        moduleEnabled: enabled,
      },
      'kgc-support daemon listening',
    );

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        serving = false;
        logger.info('shutting down: finishing in-flight requests');
        support.close();
        const deadline = setTimeout(() => {
          logger.warn(
            { timeoutMs: config.shutdownTimeoutMs },
            'in-flight requests did not finish in time; closing connections',
          );
          api.server.closeAllConnections();
        }, config.shutdownTimeoutMs);
        deadline.unref();
        await api.close();
        clearTimeout(deadline);
        await admin.close();
        await theDispatcher.close();
        await audit.close();
        for (const c of cleanups.reverse()) await c();
        await store.close();
        logger.info('stopped');
        pinoLogger.flush?.();
      })();
      return closing;
    };

    throwIfStopped(signal, 'starting');
    serving = true;
    return {
      url,
      adminSocket: socketPath,
      ctx,
      api,
      metrics,
      verifier,
      audit,
      erasures,
      dispatcher: theDispatcher,
      webhookMetrics,
      support,
      moduleEnabled: () => enabled,
      close,
    };
  } catch (err) {
    // A start that fails after the API (or the admin socket) listened closes them too: no half-started daemon keeps running.
    serving = false;
    for (const c of [...opened.reverse(), ...cleanups.reverse()])
      await Promise.resolve()
        .then(c)
        .catch(() => {});
    await store.close().catch(() => {});
    throw err;
  }
}
