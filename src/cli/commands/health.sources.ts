/**
 * The probes of `kgc-support health`, wired to where each fact lives. The store's
 * facts come from the running daemon (its admin socket here, or its
 * /api/support/health with the franchise's key), else from PostgreSQL directly; the
 * embedded PGlite store is never opened (it would load the database engine, and a
 * daemon may hold it). Heavy modules (pg, dockerode) load only when their check runs.
 */
import type { Config } from '../../config/settings.js';
import { cryptoRandom, systemClock } from '../../context/clock.js';
import { silentLogger } from '../../context/logger.js';
import type { DaemonFacts } from '../../health/checks/facts.js';
import type { HealthFacts, LifecycleView, SupportHealth } from '../../health/health.schema.js';
import { HEALTH_FACTS_OP } from '../../health/op-names.js';
import {
  describeNetError,
  httpGet,
  jsonBody,
  noAnswerWithin,
  type HttpOutcome,
} from '../../health/probes/http.js';
import { redisPing } from '../../health/probes/redis.js';
import type { HealthJobs, Job } from '../../health/run.js';
import type { HealthTargets } from '../../health/targets.js';
import type { Db } from '../../context/db.js';
import type { LockInfo } from '../../store/lock.js';
import { existsSync } from 'node:fs';
import { adminInfo, callAdmin } from '../../admin/client.js';
import { KgcError } from '../../errors/kgc-error.js';
import { cliActor } from '../globals.js';

export interface SourceOptions {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** keys_expiring's window, a duration ("1209600s"). */
  readonly keyExpiryWithin: string;
  /** The daemon holding the data directory, when one runs here. */
  readonly localDaemon: LockInfo | undefined;
  /** The franchise's KGC_API_KEY (for /api/support/health), with --franchise. */
  readonly apiKey: string | undefined;
  /** With --franchise: its id, compose project and its daemon's admin socket (<franchise dir>/run/admin.sock). */
  readonly franchise:
    { readonly id: string; readonly project: string; readonly socket: string } | undefined;
}

/** The daemon's /api/support/health, with a key: the lifecycle and the facts in one answer. */
export async function daemonApiFacts(
  daemonUrl: string,
  apiKey: string,
  within: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<DaemonFacts> {
  const url = `${daemonUrl}/api/support/health?key_expiry_within=${encodeURIComponent(within)}`;
  const o = await httpGet(url, {
    timeoutMs,
    signal,
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (o.kind === 'error') throw new Error(`the daemon's /api/support/health: ${o.error}`);
  const body = jsonBody(o) as (SupportHealth & { code?: string; detail?: string }) | undefined;
  if (o.status === 200 && body?.facts && body.lifecycle)
    return {
      facts: body.facts,
      lifecycle: body.lifecycle,
      source: 'the daemon (GET /api/support/health)',
    };
  if (o.status === 401)
    throw new Error(
      `the daemon refused the franchise's KGC_API_KEY (${body?.code ?? 401}): was the daemon started with this franchise's .env?`,
    );
  if (o.status === 404)
    throw new Error('the daemon has no /api/support/health (a kgc-support older than 0.1?)');
  throw new Error(
    `the daemon's /api/support/health answered ${o.status}${body?.detail ? `: ${body.detail}` : ''}`,
  );
}

/** One PostgreSQL connection for the run, opened at first use (SELECT 1, and the facts when no daemon runs). */
export class PgSession {
  private db: Promise<Db> | undefined;
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  open(): Promise<Db> {
    this.db ??= import('../../store/postgres.js')
      .then(({ openPostgres }) =>
        openPostgres({
          url: this.url,
          poolMax: 1,
          logger: silentLogger,
          applicationName: 'kgc-support-health',
          connectTimeoutMs: this.timeoutMs,
          queryTimeoutMs: this.timeoutMs,
        }),
      )
      .catch((err: unknown) => {
        throw this.plain(err);
      });
    return this.db;
  }

  /** pg's words for a time-out ("Connection terminated due to connection timeout") in health's. */
  private plain(err: unknown): Error {
    const e = err as Error & { code?: string };
    if (/timeout/i.test(e.message)) return new Error(noAnswerWithin(this.timeoutMs));
    return new Error(describeNetError(e));
  }

  async ping(): Promise<{ ms: number }> {
    const t0 = performance.now();
    const db = await this.open();
    try {
      await db.query('SELECT 1');
    } catch (err) {
      throw this.plain(err);
    }
    return { ms: Math.round((performance.now() - t0) * 10) / 10 };
  }

  close(): void {
    void this.db?.then((db) => db.close()).catch(() => {});
    this.db = undefined;
  }
}

/** The facts and the lifecycle from a daemon's admin socket, saying which daemon answered. */
async function socketFacts(socket: string, who: string, o: SourceOptions): Promise<DaemonFacts> {
  const [facts, info] = await Promise.all([
    callAdmin(
      socket,
      HEALTH_FACTS_OP,
      { key_expiry_within: o.keyExpiryWithin },
      cliActor(),
      o.timeoutMs,
    ) as Promise<HealthFacts>,
    adminInfo(socket, o.timeoutMs),
  ]);
  const pid = typeof info.pid === 'number' ? `, pid ${info.pid}` : '';
  return {
    facts,
    lifecycle: (info.support as LifecycleView | undefined) ?? null,
    source: `${who} (admin socket ${socket}${pid})`,
  };
}

/** No daemon listens on the socket (or this user may not use it): another way may still reach it. */
const socketMissed = (err: unknown): boolean =>
  err instanceof KgcError && err.code === 'daemon_unreachable';

const httpJob = (
  url: string | undefined,
  path: string,
  unsetWhy: string,
  timeoutMs: number,
): Job<HttpOutcome> =>
  url ? (signal) => httpGet(`${url}${path}`, { timeoutMs, signal }) : { unset: unsetWhy };

function factsJob(t: HealthTargets, o: SourceOptions, pg: PgSession | undefined): Job<DaemonFacts> {
  if (o.franchise) {
    // Its daemon's admin socket first (the rendered stack bind-mounts it into the franchise
    // directory), else its published /api/support/health with the franchise's key.
    const f = o.franchise;
    const key = o.apiKey;
    if (!key && !existsSync(f.socket)) {
      return {
        unset: `no daemon answers on ${f.socket} and there is no KGC_API_KEY in franchise ${f.id}'s secrets.env: run kgc-support render --franchise ${f.id}, then up`,
      };
    }
    const who = `franchise ${f.id}'s daemon`;
    return async (signal) => {
      if (existsSync(f.socket)) {
        try {
          return await socketFacts(f.socket, who, o);
        } catch (err) {
          if (!key || !socketMissed(err)) throw err;
        }
      }
      if (!key)
        throw new Error(
          `${who} does not answer on ${f.socket}: start it with kgc-support up --franchise ${f.id}`,
        );
      return {
        ...(await daemonApiFacts(t.daemonUrl, key, o.keyExpiryWithin, o.timeoutMs, signal)),
        source: `${who} (${t.daemonUrl}/api/support/health)`,
      };
    };
  }
  const socket = o.localDaemon?.adminSocket;
  if (socket) {
    return () => socketFacts(socket, `the daemon of ${o.config.dataDir}`, o);
  }
  if (pg) {
    return async () => {
      const db = await pg.open();
      const { readHealthFacts } = await import('../../health/facts.service.js');
      const ctx = {
        config: o.config,
        db,
        erp: db,
        logger: silentLogger,
        clock: systemClock,
        random: cryptoRandom,
        actor: cliActor(),
      };
      return {
        facts: await readHealthFacts(ctx, { key_expiry_within: o.keyExpiryWithin }),
        lifecycle: null,
        source: 'PostgreSQL (DATABASE_URL)',
      };
    };
  }
  return {
    unset: `no daemon holds ${o.config.dataDir}, and its store is the embedded PGlite, which health does not open: start the daemon (kgc-support serve) or set DATABASE_URL`,
  };
}

function containersJob(o: SourceOptions): HealthJobs['containers'] {
  const f = o.franchise;
  if (!f) return undefined;
  return async () => {
    const [{ connectDocker, projectContainers }, { SUPPORT_SERVICES }] = await Promise.all([
      import('../../docker/engine.js'),
      import('../../render/services.js'),
    ]);
    const docker = connectDocker(o.env, { timeoutMs: o.timeoutMs });
    try {
      return {
        franchise: f.id,
        services: [...SUPPORT_SERVICES],
        containers: await projectContainers(docker, f.project),
      };
    } catch (err) {
      // docker-modem ends a request that outlived its timeout by destroying it: "socket hang up".
      const m = (err as Error).message;
      throw new Error(
        /hang up|timeout/i.test(m)
          ? `the Docker engine: ${noAnswerWithin(o.timeoutMs)}`
          : `cannot reach the Docker engine: ${m}`,
      );
    }
  };
}

/** The jobs of one round; `close()` ends what they opened. */
export function healthJobs(
  t: HealthTargets,
  o: SourceOptions,
): { jobs: HealthJobs; close: () => void } {
  const pg = t.databaseUrl ? new PgSession(t.databaseUrl, o.timeoutMs) : undefined;
  const redisUrl = t.redisUrl;
  const jobs: HealthJobs = {
    daemonHealth: httpJob(t.daemonUrl, '/health', '', o.timeoutMs),
    daemonReady: httpJob(t.daemonUrl, '/ready', '', o.timeoutMs),
    chatbot: httpJob(t.chatbotUrl, '/health', 'SUPPORT_API_URL is not set', o.timeoutMs),
    context: httpJob(t.contextUrl, '/health', 'SUPPORT_CONTEXT_URL is not set', o.timeoutMs),
    chatwoot: httpJob(t.chatwootUrl, '/api', 'CHATWOOT_URL is not set', o.timeoutMs),
    redis: redisUrl
      ? (signal) => redisPing(redisUrl, { timeoutMs: o.timeoutMs, signal })
      : { unset: 'REDIS_URL is not set' },
    database: pg ? () => pg.ping() : { unset: 'DATABASE_URL is not set' },
    containers: containersJob(o),
    facts: factsJob(t, o, pg),
  };
  return { jobs, close: () => pg?.close() };
}
