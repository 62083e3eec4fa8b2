/**
 * The data directory lock. PGlite allows one process per data directory and does
 * nothing to enforce it, so every process that opens the embedded store, and every
 * daemon, first takes this lock.
 *
 * The lock is a Unix socket the holder listens on, <data dir>/kgc-support.lock.sock.
 * Whether the holder lives is asked of the kernel: a connect succeeds while the holder's
 * process exists and is refused the moment it is gone, however it went (SIGKILL, OOM,
 * a power cut, a container killed and recreated with another host name and pid 1
 * again). No pid, host name or age decides anything. The holder answers each
 * connection with what it is (one JSON line: pid, command, admin socket, URL), so the
 * CLI learns where a live daemon's admin socket is from the daemon itself.
 *
 * Taking over a dead holder's socket file is serialised by an abstract socket (Linux),
 * which the kernel also frees with its process, so two processes that find the same
 * stale lock at once cannot both take it. (Across network namespaces, two containers
 * sharing one volume, the link() below still refuses a second live holder; only two
 * takeovers of one stale lock within the same microseconds are not ordered there.)
 *
 * kgc-support.lock (JSON) beside it repeats the holder's facts for people and for
 * old tools; it is information only, and may be left behind by a killed holder.
 * The data directory must be on a local file system (as PGlite's own files must).
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isDenied, permissionDenied } from '../config/file-access.js';
import { KgcError } from '../errors/kgc-error.js';

export const LOCK_FILE = 'kgc-support.lock';
export const LOCK_SOCKET = 'kgc-support.lock.sock';

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

/** The information file (never the decider: see lockHolder). */
export function lockPath(dataDir: string): string {
  return join(dataDir, LOCK_FILE);
}

export function lockSocketPath(dataDir: string): string {
  return join(dataDir, LOCK_SOCKET);
}

/** What the information file says; it may be a dead holder's. */
export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    return undefined;
  }
}

export function describeHolder(info: LockInfo): string {
  return `pid ${info.pid} (kgc-support ${info.command}, since ${info.startedAt}${info.hostname !== hostname() ? ` on ${info.hostname}` : ''})`;
}

/** Under about 100 bytes a socket path is used as it is; a deeper one through /proc/self/fd (Linux). */
const SOCKET_PATH_MAX = 100;

/**
 * Runs `fn` with a path that reaches `name` in `dir` and fits a socket address: the
 * path itself, or /proc/self/fd/<fd of dir>/name while the directory is held open.
 */
async function inDir<T>(dir: string, name: string, fn: (path: string) => Promise<T>): Promise<T> {
  const direct = join(dir, name);
  if (Buffer.byteLength(direct) < SOCKET_PATH_MAX || process.platform !== 'linux')
    return fn(direct);
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    return await fn(`/proc/self/fd/${fd}/${name}`);
  } finally {
    closeSync(fd);
  }
}

type Probe = { kind: 'alive'; info: LockInfo | undefined } | { kind: 'stale' } | { kind: 'none' };

/** Asks the kernel whether someone listens on the lock socket, and the holder what it is. */
function probe(path: string, timeoutMs: number): Promise<Probe> {
  return new Promise((resolve) => {
    let connected = false;
    let text = '';
    const socket = createConnection({ path });
    const done = (p: Probe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(p);
    };
    const parsed = (): LockInfo | undefined => {
      try {
        const info = JSON.parse(text.split('\n')[0] ?? '') as LockInfo;
        return typeof info.pid === 'number' ? info : undefined;
      } catch {
        return undefined;
      }
    };
    // Connected means alive, even if its event loop is too busy to say what it is in time.
    const timer = setTimeout(
      () => done(connected ? { kind: 'alive', info: undefined } : { kind: 'stale' }),
      timeoutMs,
    );
    socket.once('connect', () => {
      connected = true;
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) done({ kind: 'alive', info: parsed() });
    });
    socket.once('end', () => done({ kind: 'alive', info: parsed() }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (connected) return done({ kind: 'alive', info: parsed() });
      if (err.code === 'ENOENT') return done({ kind: 'none' });
      if (err.code === 'ECONNREFUSED') return done({ kind: 'stale' });
      // EACCES: a holder of another user; anything else: not ours to take over.
      done({ kind: 'alive', info: undefined });
    });
  });
}

/**
 * The live holder of the data directory's lock, as it describes itself (or as its
 * information file does, when it is too busy to answer); undefined when none lives.
 */
export async function lockHolder(
  dataDir: string,
  timeoutMs = 2_000,
): Promise<LockInfo | undefined> {
  const p = await inDir(dataDir, LOCK_SOCKET, (path) => probe(path, timeoutMs)).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return { kind: 'none' } as const;
      throw err;
    },
  );
  if (p.kind !== 'alive') return undefined;
  return (
    p.info ??
    readLock(dataDir) ?? {
      pid: 0,
      hostname: '?',
      command: 'unknown',
      startedAt: '?',
    }
  );
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Serialises takeovers within this network namespace: an abstract socket named after the
 * data directory's device and inode. Held for milliseconds; its process's death frees it.
 */
async function takeoverGuard(dataDir: string): Promise<() => void> {
  if (process.platform !== 'linux') return () => {};
  const st = statSync(dataDir);
  const name = `\0kgc-support-lock-${st.dev}-${st.ino}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const guard = createServer();
    try {
      await listen(guard, name);
      return () => guard.close();
    } catch (err) {
      // Another process is taking over right now: wait for it. Anything else (no abstract
      // sockets in this sandbox): go on unguarded, link() still refuses a live holder.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') return () => {};
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  }
}

function writeInfo(path: string, info: LockInfo): void {
  // Rewritten through a rename so a reader never sees half a file.
  const tmp = `${path}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

function locked(dataDir: string, holder: LockInfo): KgcError {
  return new KgcError(
    'store_locked',
    `data directory ${dataDir} is in use by ${describeHolder(holder)}`,
    { extras: { holder_pid: holder.pid, holder_command: holder.command } },
  );
}

/**
 * Takes the lock or throws `store_locked` naming the live holder. A dead holder's socket
 * is taken over. The directory is created 0700 when missing.
 */
export async function acquireLock(dataDir: string, command: string): Promise<Lock> {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    // Another user's data directory (the daemon's): said so, not a crash or "missing".
    if (isDenied(err)) throw permissionDenied(dataDir, 'the data directory', err);
    throw err;
  }
  const info: LockInfo = {
    pid: process.pid,
    hostname: hostname(),
    command,
    startedAt: new Date().toISOString(),
  };
  const server = createServer((conn) => {
    conn.on('error', () => {});
    conn.end(`${JSON.stringify(info)}\n`);
  });
  server.on('error', () => {});
  server.unref(); // the lock never keeps a process alive by itself
  const tmpName = `${LOCK_SOCKET}.${randomBytes(6).toString('hex')}`;
  const release = await takeoverGuard(dataDir);
  let ino: number | undefined;
  try {
    ino = await inDir(dataDir, LOCK_SOCKET, async (path) => {
      const tmp = `${path.slice(0, -LOCK_SOCKET.length)}${tmpName}`;
      // Bound under a private name, then linked into place: link() never replaces a holder's socket.
      await listen(server, tmp);
      try {
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            linkSync(tmp, path);
            return lstatSync(path).ino;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          }
          const p = await probe(path, 2_000);
          if (p.kind === 'alive')
            throw locked(dataDir, p.info ?? readLock(dataDir) ?? { ...info, command: 'unknown' });
          if (p.kind === 'stale') {
            const st = lstatSync(path);
            if (!st.isSocket())
              throw new KgcError(
                'invalid_config',
                `${path} is not a socket: kgc-support will not replace it; remove it if no kgc-support uses ${dataDir}`,
              );
            try {
              unlinkSync(path); // its holder is dead: the kernel refused the connection
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
            }
          }
        }
        throw new KgcError(
          'store_locked',
          `could not take the lock on ${dataDir}; another process keeps taking it`,
        );
      } finally {
        try {
          unlinkSync(tmp);
        } catch {
          /* already gone */
        }
      }
    });
  } catch (err) {
    server.close();
    throw err;
  } finally {
    release();
  }
  const socketPath = lockSocketPath(dataDir);
  const infoPath = lockPath(dataDir);
  writeInfo(infoPath, info);
  let released = false;
  return {
    path: socketPath,
    info,
    update(patch) {
      Object.assign(info, patch);
      writeInfo(infoPath, info);
    },
    release() {
      if (released) return;
      released = true;
      // The file goes first, while we still listen: nobody can have taken it over meanwhile.
      for (const [path, mine] of [
        [infoPath, () => readLock(dataDir)?.pid === process.pid],
        [socketPath, () => lstatSync(socketPath).ino === ino],
      ] as const) {
        try {
          if (mine()) unlinkSync(path);
        } catch {
          /* already gone */
        }
      }
      server.close();
    },
  };
}
