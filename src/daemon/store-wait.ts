/**
 * A daemon started while its database is away (or its disk is full) does not
 * exit: it answers on its port at once, `/health` passing (the process is alive;
 * a restart would not help), `/ready` failing with the reason and every other
 * request 503 `store_unavailable` with Retry-After, and it tries the store again
 * with backoff and jitter until the store opens. Then the real API takes the port.
 */
import { createServer, type Server } from 'node:http';
import type { Config } from '../config/settings.js';
import type { Logger } from '../context/logger.js';
import { storeFaultOf } from '../store/store-errors.js';
import { acquireLock } from '../store/lock.js';
import { openStore, type Store } from '../store/open.js';
import { KgcError, problemOf } from '../errors/kgc-error.js';
import { sleepUnlessStopped, stoppedWhile, throwIfStopped } from './stop-signal.js';

/** The wait before attempt `n` (from 1): 0.5 s doubling to 15 s, ±20 %. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.min(15_000, 500 * 2 ** Math.min(attempt - 1, 5)) * (0.8 + random() * 0.4);
}

function waitingServer(why: () => string): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    res.setHeader('cache-control', 'no-store');
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'content-type': 'application/health+json' });
      res.end(JSON.stringify({ status: 'pass', output: `waiting for the store: ${why()}` }));
      return;
    }
    if (req.method === 'GET' && path === '/ready') {
      res.writeHead(503, { 'content-type': 'application/health+json' });
      res.end(
        JSON.stringify({ status: 'fail', checks: { store: { status: 'fail', detail: why() } } }),
      );
      return;
    }
    const err = new KgcError('store_unavailable', `the daemon is waiting for its store: ${why()}`);
    req.resume();
    res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '5' });
    res.end(JSON.stringify(problemOf(err, path)));
  });
}

export interface StoreWait {
  readonly store: Store;
  /** The port the API must listen on (the waiting server's, when one ran). */
  readonly port: number;
}

/**
 * Opens the daemon's store, waiting for it while it is unreachable or full. Any
 * other failure (a locked data directory, a broken migration) ends the start.
 */
export async function openStoreWaiting(opts: {
  config: Config;
  logger: Logger;
  memory: boolean;
  /** Stops the wait (SIGTERM): ends with `interrupted`, the lock released. */
  signal?: AbortSignal;
}): Promise<StoreWait> {
  const { config, logger } = opts;
  const lock = opts.memory ? undefined : await acquireLock(config.dataDir, 'serve');
  // The embedded engine runs on a thread of its own. Should that thread die, the store is
  // gone: the daemon shuts down (exit 1) for its supervisor to start it again, which
  // recovers the data directory as after a crash; nothing acknowledged is lost.
  const onEngineExit = (err: Error): void => {
    logger.error({ err: err.message }, 'the embedded database engine stopped; shutting down');
    process.exitCode = 1;
    if (!opts.memory) process.kill(process.pid, 'SIGTERM');
  };
  const open = () =>
    openStore({
      config,
      logger,
      command: 'serve',
      holdLock: true,
      memory: opts.memory,
      thread: { onEngineExit },
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(lock ? { heldLock: lock } : {}),
    });
  let server: Server | undefined;
  let why = '';
  let port = config.port;
  try {
    for (let attempt = 1; ; attempt++) {
      throwIfStopped(opts.signal, 'opening the store');
      try {
        const store = await open();
        return { store, port };
      } catch (err) {
        if (opts.signal?.aborted)
          throw stoppedWhile(opts.signal, `waiting for the store (${(err as Error).message})`);
        if (!storeFaultOf(err)) throw err;
        why = (err as Error).message;
        if (!server) {
          server = waitingServer(() => why);
          const s = server;
          await new Promise<void>((resolve, reject) => {
            s.once('error', reject);
            s.listen(config.port, config.host, () => resolve());
          });
          const addr = s.address();
          port = typeof addr === 'object' && addr ? addr.port : config.port;
        }
        const delay = retryDelayMs(attempt);
        logger.warn(
          { err: why, attempt, retryInMs: Math.round(delay), url: `http://${config.host}:${port}` },
          'the store is unavailable: waiting for it (the API answers 503 meanwhile)',
        );
        await sleepUnlessStopped(delay, opts.signal);
        throwIfStopped(opts.signal, `waiting for the store (${why})`);
      }
    }
  } catch (err) {
    lock?.release();
    throw err;
  } finally {
    if (server) {
      const s = server;
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }
}
