/**
 * The daemon's parts as they are opened, and the one order they close in, whether the
 * daemon shuts down or fails to start half-way: stop accepting (the Pull API after its
 * in-flight requests, the admin socket), stop working (deliveries, erasures, Support's
 * watch, the timers), write out what is buffered (the audit), release (the read cache,
 * the store and its lock).
 */
import type { FastifyInstance } from 'fastify';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { TieredReadCache } from '../cache/tiered-cache.js';
import type { Logger } from '../context/logger.js';
import type { ErasureWorker } from '../gdpr/worker.js';
import type { SupportMonitor } from '../health/monitor.js';
import type { ChangeFeed } from '../store/changes.js';
import type { Store } from '../store/open.js';
import type { Dispatcher } from '../webhooks/dispatcher.types.js';
import type { ModuleSwitch } from './module-switch.js';

export interface DaemonParts {
  readonly store: Store;
  readonly logger: Logger;
  /** The same log, to flush at the very end. */
  readonly pino: { flush?: () => void };
  cache?: TieredReadCache;
  module?: ModuleSwitch;
  support?: SupportMonitor;
  erasures?: ErasureWorker;
  api?: FastifyInstance;
  audit?: AuditWriter;
  feed?: ChangeFeed;
  dispatcher?: Dispatcher;
  admin?: FastifyInstance;
  /** Stops the retention job (and waits for a run under way). */
  stopHousekeeping?: () => Promise<void>;
}

/** Closes the Pull API: in-flight requests finish, until `graceMs`; then their connections are cut. */
async function closeApi(api: FastifyInstance, logger: Logger, graceMs: number): Promise<void> {
  const deadline = setTimeout(() => {
    logger.warn(
      { timeoutMs: graceMs },
      'in-flight requests did not finish in time; closing connections',
    );
    api.server.closeAllConnections();
  }, graceMs);
  deadline.unref();
  try {
    await api.close();
  } finally {
    clearTimeout(deadline);
  }
}

/**
 * Closes every part that is open, in order. Each step runs even when an earlier one
 * failed; the first failure is thrown at the end (a failed start ignores them).
 */
export async function closeParts(p: DaemonParts, graceMs: number): Promise<void> {
  let first: Error | undefined;
  const step = async (close: (() => Promise<void> | void) | undefined): Promise<void> => {
    if (!close) return;
    try {
      await close();
    } catch (err) {
      first ??= err instanceof Error ? err : new Error(String(err));
    }
  };
  await step(p.support && (() => p.support?.close()));
  await step(p.api && (() => closeApi(p.api as FastifyInstance, p.logger, graceMs)));
  await step(p.admin && (() => p.admin?.close()));
  await step(p.dispatcher && (() => p.dispatcher?.close()));
  await step(p.audit && (() => p.audit?.close()));
  await step(p.stopHousekeeping);
  await step(p.module && (() => p.module?.stop()));
  await step(p.feed && (() => p.feed?.close()));
  await step(p.erasures && (() => p.erasures?.close()));
  await step(p.cache && (() => p.cache?.close()));
  await step(() => p.store.close());
  if (first) throw first;
}

/** The daemon's close(): once, however often it is called; `stopServing` runs first (/health fails from then on). */
export function shutdownOnce(
  parts: DaemonParts,
  graceMs: number,
  stopServing: () => void,
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= (async () => {
      stopServing();
      parts.logger.info('shutting down: finishing in-flight requests');
      await closeParts(parts, graceMs);
      parts.logger.info('stopped');
      parts.pino.flush?.();
    })());
}
