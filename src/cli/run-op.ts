/**
 * How a CLI command reaches the business layer. With --franchise, only through that
 * franchise's daemon (its admin socket in the franchise directory). Otherwise, when a
 * daemon holds this data directory, through its admin API (so the daemon sees the
 * change at once and the embedded store keeps one writer); else by opening the store
 * in-process. Every path runs the same operation through the same executeOp, and says
 * which daemon answered.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Op } from '../ops/op.js';
import { loadConfig } from '../config/config.js';
import type { Config } from '../config/settings.js';
import type { Ctx } from '../context/context.js';
import { cryptoRandom, systemClock } from '../context/clock.js';
import { KgcError } from '../errors/kgc-error.js';
import { describeHolder, lockHolder, type LockInfo } from '../store/lock.js';
import { adminInfo, callAdmin, nobodyListens } from '../admin/client.js';
import { cliLogger } from './cli-logger.js';
import { cliActor, type GlobalOptions } from './globals.js';
import type { CliIO } from './io.js';
import { resolveTarget, type DaemonRef, type FranchiseTarget } from './target.js';

export function cliConfig(
  io: CliIO,
  g: GlobalOptions,
  overrides: Record<string, string | undefined> = {},
): Config {
  return loadConfig(io.env, { dataDir: g.dataDir, ...overrides });
}

/** The running daemon that owns this data directory, if any (waits briefly for one that is starting). */
export async function findDaemon(config: Config, waitMs = 15_000): Promise<LockInfo | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const holder = await lockHolder(config.dataDir);
    if (!holder) return undefined;
    if (holder.command !== 'serve') return undefined;
    if (holder.adminSocket) return holder;
    if (Date.now() > deadline) {
      throw new KgcError(
        'daemon_unreachable',
        `the daemon ${describeHolder(holder)} has not opened its admin socket yet; try again`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Opens the store in this process and gives a context for `fn`; always closes it. */
export async function withLocalContext<T>(
  config: Config,
  io: CliIO,
  g: GlobalOptions,
  command: string,
  fn: (ctx: Ctx) => Promise<T>,
): Promise<T> {
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
      const busyCli =
        err instanceof KgcError &&
        err.code === 'store_locked' &&
        err.extras?.holder_command !== undefined &&
        err.extras.holder_command !== 'serve';
      if (!busyCli || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
    }
  }
  try {
    return await fn({
      config,
      db: store.db,
      erp: store.erp,
      logger,
      clock: systemClock,
      random: cryptoRandom,
      actor: cliActor(),
    });
  } finally {
    await store.close();
  }
}

export interface RunOpOptions {
  /** For tests and `--local`: never go through a daemon. */
  local?: boolean;
}

export interface Answer<T> {
  readonly result: T;
  /** Where the answer came from. */
  readonly daemon: DaemonRef;
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function unreachable(t: FranchiseTarget, why: string): KgcError {
  // One next step, never back to a command that already said all is well: a socket this
  // user may not open is a permission matter; otherwise status says whether the daemon
  // runs, and if it does, why it is not serving yet (its store, the ERP's database).
  const denied = /EACCES|EPERM/.test(why);
  const next = denied
    ? /run this as/.test(why)
      ? ''
      : "; the socket is owner-only: run this as root (sudo) or as the daemon's user"
    : `; see why: kgc-support status --franchise ${t.id}`;
  return new KgcError(
    'daemon_unreachable',
    `franchise ${t.id}'s daemon does not answer on ${t.socket}: ${why}${next}`,
    { extras: { franchise: t.id, socket: t.socket } },
  );
}

/** The franchise's daemon, as it describes itself; daemon_unreachable when none answers. */
export async function franchiseDaemon(
  t: FranchiseTarget,
  timeoutMs = 10_000,
): Promise<DaemonRef & { franchise: string }> {
  try {
    const info = await adminInfo(t.socket, timeoutMs);
    return { franchise: t.id, socket: t.socket, pid: num(info.pid), store: text(info.store) };
  } catch (err) {
    if (err instanceof KgcError && err.code === 'daemon_unreachable')
      throw unreachable(t, err.message);
    throw err;
  }
}

/** Runs `op` on the daemon the command line names (see target.ts) and says which one answered. */
export async function runTargetedOp<I extends TSchema, O extends TSchema>(
  op: Op<I, O>,
  input: Static<I>,
  io: CliIO,
  g: GlobalOptions,
  opts: RunOpOptions = {},
): Promise<Answer<Static<O>>> {
  type T = Static<O>;
  const target = resolveTarget(io, g);
  if (target.kind === 'franchise') {
    // Never a local store: the franchise's daemon answers, or the command fails.
    const daemon = await franchiseDaemon(target);
    try {
      return { result: (await callAdmin(target.socket, op.name, input, cliActor())) as T, daemon };
    } catch (err) {
      if (nobodyListens(err)) throw unreachable(target, (err as Error).message);
      throw err;
    }
  }
  const config = target.config;
  if (!opts.local) {
    const holder = await findDaemon(config);
    if (holder?.adminSocket) {
      try {
        const result = (await callAdmin(holder.adminSocket, op.name, input, cliActor())) as T;
        return {
          result,
          daemon: {
            local: config.dataDir,
            socket: holder.adminSocket,
            pid: holder.pid,
            store: holder.store ?? null,
          },
        };
      } catch (err) {
        if (!nobodyListens(err)) throw err;
        // The daemon is gone: fall through and open the store ourselves.
      }
    }
  }
  const { executeOp } = await import('../admin/execute.js');
  let store: string | null = null;
  const result = await withLocalContext(config, io, g, op.name, (ctx) => {
    store = ctx.db.label;
    return executeOp(ctx, op, input);
  });
  return { result, daemon: { local: config.dataDir, store } };
}

export async function runOp<I extends TSchema, O extends TSchema>(
  op: Op<I, O>,
  input: Static<I>,
  io: CliIO,
  g: GlobalOptions,
  opts: RunOpOptions = {},
): Promise<Static<O>> {
  return (await runTargetedOp(op, input, io, g, opts)).result;
}
