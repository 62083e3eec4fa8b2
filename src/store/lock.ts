/**
 * The data directory lock. PGlite allows one process per data directory and does
 * nothing to enforce it, so every process that opens the embedded store, and every
 * daemon, first takes this lock. The lock file also tells the CLI where a running
 * daemon's admin socket is.
 */
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { KgcError } from '../errors/kgc-error.js';

export const LOCK_FILE = 'kgc-support.lock';

export interface LockInfo {
  pid: number;
  hostname: string;
  /** What holds it: "serve", "keys list", … */
  command: string;
  startedAt: string;
  /** Set by a daemon once its admin API listens. */
  adminSocket?: string;
  /** A daemon's Pull API (its /health and /ready), as it listens. */
  url?: string;
  /** The store the holder opened, without secrets. */
  store?: string;
}

export interface Lock {
  readonly path: string;
  readonly info: LockInfo;
  update(patch: Partial<LockInfo>): void;
  release(): void;
}

export function lockPath(dataDir: string): string {
  return join(dataDir, LOCK_FILE);
}

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote `info` is still alive (on this host). */
export function isHolderAlive(info: LockInfo): boolean {
  if (info.hostname !== hostname()) return true; // another host on a shared disk: assume alive
  if (info.pid === process.pid) return true;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Guard against pid reuse: on Linux the holder must still be a node process.
  try {
    const cmdline = readFileSync(`/proc/${info.pid}/cmdline`, 'utf8');
    return /node|kgc-support/.test(cmdline);
  } catch {
    return true;
  }
}

export function describeHolder(info: LockInfo): string {
  return `pid ${info.pid} (kgc-support ${info.command}, since ${info.startedAt}${info.hostname !== hostname() ? ` on ${info.hostname}` : ''})`;
}

function writeExclusive(path: string, info: LockInfo): boolean {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
  try {
    linkSync(tmp, path); // atomic: fails with EEXIST when someone holds it
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * Takes the lock or throws `store_locked` naming the holder. A lock left by a dead
 * process is taken over. The directory is created 0700 when missing.
 */
export function acquireLock(dataDir: string, command: string): Lock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = lockPath(dataDir);
  const info: LockInfo = {
    pid: process.pid,
    hostname: hostname(),
    command,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (writeExclusive(path, info)) {
      let released = false;
      return {
        path,
        info,
        update(patch) {
          Object.assign(info, patch);
          // Rewrite in place through a rename so a reader never sees half a file.
          const tmp = `${path}.${process.pid}.upd`;
          const fd = openSync(tmp, 'w', 0o600);
          writeSync(fd, JSON.stringify(info));
          closeSync(fd);
          renameSync(tmp, path);
        },
        release() {
          if (released) return;
          released = true;
          const current = readLock(dataDir);
          if (current && current.pid === process.pid) {
            try {
              unlinkSync(path);
            } catch {
              /* already gone */
            }
          }
        },
      };
    }
    const holder = readLock(dataDir);
    if (holder && isHolderAlive(holder)) {
      throw new KgcError(
        'store_locked',
        `data directory ${dataDir} is in use by ${describeHolder(holder)}`,
        {
          extras: { holder_pid: holder.pid },
        },
      );
    }
    // Stale (its process is gone) or unreadable: move it aside atomically and retry.
    try {
      renameSync(path, `${path}.stale`);
    } catch {
      /* someone else took it over first */
    }
  }
  throw new KgcError(
    'store_locked',
    `could not take the lock on ${dataDir}; another process keeps taking it`,
  );
}
