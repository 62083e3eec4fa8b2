/**
 * How a CLI command reaches the business layer. When a daemon holds this data
 * directory, through its admin API (so the daemon sees the change at once and the
 * embedded store keeps one writer); otherwise by opening the store in-process.
 * Both paths run the same operation through the same executeOp.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Op } from '../ops/op.js';
import { loadConfig } from '../config/config.js';
import type { Config } from '../config/settings.js';
import type { Ctx } from '../context/context.js';
import { cryptoRandom, systemClock } from '../context/clock.js';
import { KgcError } from '../errors/kgc-error.js';
import { describeHolder, isHolderAlive, readLock, type LockInfo } from '../store/lock.js';
import { callAdmin, DaemonUnreachable } from '../admin/client.js';
import { cliLogger } from './cli-logger.js';
import { cliActor, type GlobalOptions } from './globals.js';
import type { CliIO } from './io.js';

export function cliConfig(io: CliIO, g: GlobalOptions, overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig(io.env, { dataDir: g.dataDir, ...overrides });
}

/** The running daemon that owns this data directory, if any (waits briefly for one that is starting). */
export async function findDaemon(config: Config, waitMs = 15_000): Promise<LockInfo | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const holder = readLock(config.dataDir);
    if (!holder || !isHolderAlive(holder)) return undefined;
    if (holder.command !== 'serve') return undefined;
    if (holder.adminSocket) return holder;
    if (Date.now() > deadline) {
      throw new KgcError('daemon_unreachable', `the daemon ${describeHolder(holder)} has not opened its admin socket yet; try again`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Opens the store in this process and gives a context for `fn`; always closes it. */
export async function withLocalContext<T>(config: Config, io: CliIO, g: GlobalOptions, command: string, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const logger = cliLogger(io, g.verbose === true);
  const { openStore } = await import('../store/open.js');
  // Another short CLI command may hold the embedded store for a moment: wait for it
  // (a daemon would have been found above, and is never waited for).
  const deadline = Date.now() + 15_000;
  let store;
  for (;;) {
    try {
      store = await openStore({ config, logger, command });
      break;
    } catch (err) {
      const holder = readLock(config.dataDir);
      const busyCli = err instanceof KgcError && err.code === 'store_locked' && holder !== undefined && holder.command !== 'serve';
      if (!busyCli || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
    }
  }
  try {
    return await fn({ config, db: store.db, erp: store.erp, logger, clock: systemClock, random: cryptoRandom, actor: cliActor() });
  } finally {
    await store.close();
  }
}

export interface RunOpOptions {
  /** For tests and `--local`: never go through a daemon. */
  local?: boolean;
}

export async function runOp<I extends TSchema, O extends TSchema>(op: Op<I, O>, input: Static<I>, io: CliIO, g: GlobalOptions, opts: RunOpOptions = {}): Promise<Static<O>> {
  type T = Static<O>;
  const config = cliConfig(io, g);
  if (!opts.local) {
    const daemon = await findDaemon(config);
    if (daemon?.adminSocket) {
      try {
        return (await callAdmin(daemon.adminSocket, op.name, input, cliActor())) as T;
      } catch (err) {
        if (!(err instanceof DaemonUnreachable)) throw err;
        // The daemon is gone: fall through and open the store ourselves.
      }
    }
  }
  const { executeOp } = await import('../admin/execute.js');
  return withLocalContext(config, io, g, op.name, (ctx) => executeOp(ctx, op as unknown as Op, input) as Promise<T>);
}
