/**
 * Where the admin socket goes, and the checks that keep it its owner's. Node cannot read
 * a Unix socket peer's credentials (SO_PEERCRED), so ownership is enforced by the file
 * system: the socket's directory belongs to the daemon's user and nobody else may write
 * it, the socket is born owner-only (umask 077) and kept 0600, and nothing found at the
 * socket's path is followed or replaced unless it is a socket (a stale one).
 *
 * A socket path is limited to about 100 bytes. A data directory too deep for
 * <data dir>/admin.sock gets a private directory made with mkdtemp (random name, 0700)
 * under the runtime directory: no predictable name another local user could plant. The
 * CLI finds it where it finds every daemon's socket, in the data directory's lock file.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KgcError } from '../errors/kgc-error.js';

export { adminSocketPath } from '../config/paths.js';

/** Bytes a socket path may have: Linux allows 107, macOS 103; keep a margin below both. */
export const SOCKET_PATH_MAX = 100;

export interface SocketPlace {
  /** Where the daemon binds. */
  readonly path: string;
  /** Set when the socket lives in a private temp directory: removed on close. */
  readonly privateDir?: string;
}

const fits = (path: string): boolean => Buffer.byteLength(path) < SOCKET_PATH_MAX;

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/**
 * Refuses a socket directory that someone else could write to or that is not ours:
 * whoever can write it can put their own socket (or a symlink) where the CLI connects.
 */
export function assertPrivateDir(dir: string, uid: number | undefined = process.getuid?.()): void {
  const real = realpathSync(dir);
  const st = statSync(real);
  if (!st.isDirectory())
    throw new KgcError(
      'invalid_config',
      `the admin socket's directory ${dir} is not a directory (ENOTDIR)`,
    );
  if (uid !== undefined && st.uid !== uid)
    throw new KgcError(
      'invalid_config',
      `the admin socket's directory ${dir} belongs to uid ${st.uid}, not to this user (uid ${uid}): it must be the daemon user's own`,
    );
  if ((st.mode & 0o022) !== 0)
    throw new KgcError(
      'invalid_config',
      `the admin socket's directory ${dir} is writable by others (mode ${octal(st.mode)}): chmod go-w ${dir}`,
    );
}

/**
 * What is at the socket's path may only be a stale socket (a daemon that was killed):
 * that one is removed. A file, a directory or a symlink there is refused, never followed.
 * Returns whether a stale socket is to be removed.
 */
export function staleSocketAt(path: string): boolean {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if (st.isSocket()) return true;
  const what = st.isSymbolicLink() ? 'a symlink' : st.isDirectory() ? 'a directory' : 'a file';
  throw new KgcError(
    'invalid_config',
    `${path} is ${what}, not a socket: kgc-support will not replace or follow it; remove it if it is not needed`,
  );
}

/** Where private socket directories go: the user's runtime directory when it is private, else the temp dir. */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg) {
    try {
      assertPrivateDir(xdg);
      return xdg;
    } catch {
      /* not usable: the temp dir */
    }
  }
  return tmpdir();
}

/**
 * Decides and prepares where the daemon binds. `wanted` is the configured path; only
 * the default one (<data dir>/admin.sock) may move to a private directory when too long,
 * since a path someone set on purpose is where they will look for it.
 */
export function prepareSocketPlace(
  wanted: string,
  opts: { isDefault: boolean; env?: NodeJS.ProcessEnv },
): SocketPlace {
  if (fits(wanted)) {
    const dir = dirname(wanted);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    assertPrivateDir(dir);
    return { path: wanted };
  }
  if (!opts.isDefault)
    throw new KgcError(
      'invalid_config',
      `${wanted} is ${Buffer.byteLength(wanted)} bytes; a Unix socket path must be under ${SOCKET_PATH_MAX}: choose a shorter one`,
    );
  const privateDir = mkdtempSync(join(runtimeDir(opts.env), 'kgc-support-'));
  try {
    assertPrivateDir(privateDir);
    const path = join(privateDir, 'admin.sock');
    if (!fits(path))
      throw new KgcError(
        'invalid_config',
        `the data directory's path is too long for its admin socket, and so is ${path}: set KGC_SUPPORT_ADMIN_SOCKET to a shorter path`,
      );
    return { path, privateDir };
  } catch (err) {
    rmSync(privateDir, { recursive: true, force: true });
    throw err;
  }
}
