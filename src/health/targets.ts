/**
 * Where `kgc-support health` looks. Without --franchise: the settings the daemon itself
 * uses (SUPPORT_API_URL, SUPPORT_CONTEXT_URL, CHATWOOT_URL, REDIS_URL, DATABASE_URL,
 * KGC_SUPPORT_HOST/PORT), and a running daemon's own URL from its lock file. With
 * --franchise (franchise-targets.ts): the host ports that franchise publishes.
 */
import type { Config } from '../config/settings.js';
import type { LockInfo } from '../store/lock.js';

export interface HealthTargets {
  /** "environment" or "franchise <id>". */
  readonly label: string;
  readonly daemonUrl: string;
  readonly chatbotUrl: string | undefined;
  readonly contextUrl: string | undefined;
  readonly chatwootUrl: string | undefined;
  /** Unset with a franchise: its Redis is not published, its container's health check stands in. */
  readonly redisUrl: string | undefined;
  /** PostgreSQL asked directly (when no daemon runs here); unset: the store as the daemon's /ready reports it. */
  readonly databaseUrl: string | undefined;
  /** The daemon's store as people know it (the daemon's label, or what was asked). */
  readonly storeLabel: string;
  /** The franchise whose containers are checked. */
  readonly franchise: string | undefined;
}

/** An address a listener binds to, as a client reaches it: 0.0.0.0 is this host. */
export function reachableHost(bind: string): string {
  const h = bind.replace(/^\[|\]$/g, '');
  if (h === '0.0.0.0' || h === '') return '127.0.0.1';
  if (h === '::') return '[::1]';
  return h.includes(':') ? `[${h}]` : h;
}

/** A daemon URL as it listens (http://0.0.0.0:3030) → as this host reaches it. */
export function reachableUrl(url: string): string {
  try {
    const u = new URL(url);
    u.hostname = reachableHost(u.hostname);
    return u.toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}

export function targetsFromConfig(config: Config, daemon: LockInfo | undefined): HealthTargets {
  return {
    label: 'environment',
    daemonUrl: daemon?.url
      ? reachableUrl(daemon.url)
      : `http://${reachableHost(config.host)}:${config.port}`,
    chatbotUrl: config.supportApiUrl,
    contextUrl: config.supportContextUrl,
    chatwootUrl: config.chatwootUrl,
    redisUrl: config.redisUrl,
    // A daemon running here checks its own database in /ready: asking it spares loading pg.
    databaseUrl: daemon ? undefined : config.databaseUrl,
    // Only what was looked at: no daemon holds this data directory, so whichever daemon
    // answers on the configured port is not known to keep its store here.
    storeLabel: daemon?.store
      ? `the daemon's store (${daemon.store})`
      : config.databaseUrl
        ? 'PostgreSQL (DATABASE_URL)'
        : `the store of the daemon at ${reachableHost(config.host)}:${config.port}`,
    franchise: undefined,
  };
}
