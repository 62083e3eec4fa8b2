/**
 * The admin socket refuses anyone but its owner. Node cannot read a peer's credentials,
 * so the file system does it: a socket directory that others could write, or that is not
 * ours, is refused at start; anything planted at the socket's path is neither followed nor
 * replaced; the socket is 0600 in a directory only its owner writes, and another local
 * user's connect is refused by the kernel; a data directory too deep for a socket path gets
 * a private mkdtemp directory (no predictable name in /tmp) that the CLI still finds; a
 * socket that cannot be bound fails the start.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAdmin } from '../../src/admin/client.js';
import {
  assertPrivateDir,
  prepareSocketPlace,
  SOCKET_PATH_MAX,
} from '../../src/admin/socket-path.js';
import { findDaemon } from '../../src/cli/run-op.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { readLock } from '../../src/store/lock.js';
import { createDatabase } from '../helpers/pg.js';

const root = mkdtempSync(join(tmpdir(), 'kgc-socksec-'));
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
let db: Awaited<ReturnType<typeof createDatabase>>;

beforeAll(async () => {
  db = await createDatabase('kgc_socksec');
});
afterAll(async () => {
  await db?.drop();
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
const fresh = (name: string): string => join(root, `${name}-${++n}`);

function start(env: Record<string, string>): Promise<Daemon> {
  const config = loadConfig({
    DATABASE_URL: db.url,
    KGC_SUPPORT_PORT: '0',
    KGC_SUPPORT_LOG_LEVEL: 'silent',
    ...env,
  });
  return startDaemon({ config, logger: silentLogger as never });
}

function connects(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ path });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** Another local user's connect, from a process running as nobody: "connected" or the error code. */
function connectAs(uid: number, path: string): string {
  const res = spawnSync(
    process.execPath,
    [
      '-e',
      `const c = require('node:net').connect({ path: process.argv[1] });
       c.on('connect', () => { console.log('connected'); c.destroy(); });
       c.on('error', (e) => console.log(e.code));`,
      path,
    ],
    { uid, gid: uid, encoding: 'utf8', timeout: 20_000 },
  );
  return res.stdout.trim() || `no answer: ${res.stderr}`;
}

/** The CLI's admin client (the built one, in dist/) run as another user: its error message. */
function callAdminAs(uid: number, path: string): string {
  const client = join(import.meta.dirname, '../../dist/admin/client.js');
  const res = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { callAdmin } = await import(process.argv[1]);
       await callAdmin(process.argv[2], 'keys.list', {}, 'test').then(
         () => console.log('answered'),
         (e) => console.log(e.message),
       );`,
      client,
      path,
    ],
    { uid, gid: uid, encoding: 'utf8', timeout: 20_000 },
  );
  return res.stdout.trim() || `no answer: ${res.stderr}`;
}

describe('the admin socket directory', () => {
  it('is refused when others may write to it, accepted when only its owner does', () => {
    const dir = fresh('modes');
    mkdirSync(dir);
    for (const mode of [0o777, 0o775, 0o757, 0o1777]) {
      chmodSync(dir, mode);
      expect(() => assertPrivateDir(dir), mode.toString(8)).toThrow(
        /is writable by others \(mode [01]7\d\d\): chmod go-w/,
      );
    }
    for (const mode of [0o700, 0o755]) {
      chmodSync(dir, mode);
      expect(() => assertPrivateDir(dir)).not.toThrow();
    }
    // The shared temp dir itself never qualifies: a socket straight in /tmp is refused.
    expect(() => assertPrivateDir(tmpdir())).toThrow(/writable by others/);
  });

  it.skipIf(!isRoot)('is refused when another user owns it', () => {
    const dir = fresh('owner');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, NOBODY, NOBODY);
    expect(() => assertPrivateDir(dir)).toThrow(
      new RegExp(`belongs to uid ${NOBODY}, not to this user \\(uid 0\\)`),
    );
  });

  it('a daemon refuses to start on a socket directory others may write', async () => {
    const shared = fresh('shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    await expect(
      start({
        KGC_SUPPORT_DATA_DIR: fresh('data'),
        KGC_SUPPORT_ADMIN_SOCKET: join(shared, 'admin.sock'),
      }),
    ).rejects.toThrow(/cannot open the admin socket .* is writable by others \(mode 0777\)/);
    expect(existsSync(join(shared, 'admin.sock'))).toBe(false);
  });
});

describe('what is found at the socket path', () => {
  it('a planted symlink is neither followed nor replaced, and the start fails', async () => {
    const dataDir = fresh('planted');
    mkdirSync(dataDir, { mode: 0o700 });
    const victim = join(fresh('victim'), 'precious.txt');
    mkdirSync(dirname(victim));
    writeFileSync(victim, 'keep me', { mode: 0o644 });
    symlinkSync(victim, join(dataDir, 'admin.sock'));
    await expect(start({ KGC_SUPPORT_DATA_DIR: dataDir })).rejects.toThrow(
      /admin\.sock is a symlink, not a socket: kgc-support will not replace or follow it/,
    );
    expect(readlinkSync(join(dataDir, 'admin.sock'))).toBe(victim);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  it('a planted file is left as it is, and the start fails', async () => {
    const dataDir = fresh('file');
    mkdirSync(dataDir, { mode: 0o700 });
    writeFileSync(join(dataDir, 'admin.sock'), 'not a socket');
    await expect(start({ KGC_SUPPORT_DATA_DIR: dataDir })).rejects.toThrow(
      /admin\.sock is a file, not a socket/,
    );
    expect(readFileSync(join(dataDir, 'admin.sock'), 'utf8')).toBe('not a socket');
  });

  it('a socket someone still listens on is refused; a stale one is replaced', async () => {
    const dataDir = fresh('live');
    mkdirSync(dataDir, { mode: 0o700 });
    const path = join(dataDir, 'admin.sock');
    const other: Server = createServer((c) => c.end());
    await new Promise<void>((r) => other.listen(path, r));
    try {
      await expect(start({ KGC_SUPPORT_DATA_DIR: dataDir })).rejects.toThrow(
        /another process already listens on .*admin\.sock/,
      );
      expect(await connects(path)).toBe(true);
    } finally {
      await new Promise<void>((r) => other.close(() => r()));
    }
    // A daemon killed with SIGKILL leaves its socket file behind: the next start replaces it.
    const killed = spawnSync(
      process.execPath,
      [
        '-e',
        `require('node:net').createServer().listen(process.argv[1], () => process.kill(process.pid, 'SIGKILL'))`,
        path,
      ],
      { timeout: 20_000 },
    );
    expect(killed.signal).toBe('SIGKILL');
    expect(lstatSync(path).isSocket()).toBe(true);
    const daemon = await start({ KGC_SUPPORT_DATA_DIR: dataDir });
    try {
      expect(lstatSync(daemon.adminSocket).isSocket()).toBe(true);
      expect(await callAdmin(daemon.adminSocket, 'keys.list', {}, 'test')).toEqual(
        expect.any(Array),
      );
    } finally {
      await daemon.close();
    }
  });
});

describe('the bound socket', () => {
  it('is 0600 in an owner-only directory even under a permissive umask, and the lock names it', async () => {
    const dataDir = fresh('bound');
    const before = process.umask(0);
    let daemon: Daemon;
    try {
      daemon = await start({ KGC_SUPPORT_DATA_DIR: dataDir });
    } finally {
      process.umask(before);
    }
    try {
      expect(daemon.adminSocket).toBe(join(dataDir, 'admin.sock'));
      expect(statSync(daemon.adminSocket).mode & 0o777).toBe(0o600);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(readLock(dataDir)?.adminSocket).toBe(daemon.adminSocket);
    } finally {
      await daemon.close();
    }
  });

  it.skipIf(!isRoot)('refuses another local user: the kernel answers EACCES', async () => {
    // Directories others may traverse, so that only the socket's own mode stands in the way.
    const open = fresh('open');
    mkdirSync(join(open, 'run'), { recursive: true });
    chmodSync(root, 0o755);
    chmodSync(open, 0o755);
    chmodSync(join(open, 'run'), 0o755);
    const before = process.umask(0); // whatever the umask, the socket is not others' to write
    let daemon: Daemon;
    try {
      daemon = await start({
        KGC_SUPPORT_DATA_DIR: join(open, 'data'),
        KGC_SUPPORT_ADMIN_SOCKET: join(open, 'run', 'admin.sock'),
      });
    } finally {
      process.umask(before);
    }
    try {
      expect(connectAs(NOBODY, daemon.adminSocket)).toBe('EACCES');
      expect(connectAs(0, daemon.adminSocket)).toBe('connected');
      // The CLI's client, as that other user, says why rather than "cannot talk to the daemon".
      expect(callAdminAs(NOBODY, daemon.adminSocket)).toBe(
        `the daemon's admin socket ${daemon.adminSocket} is its owner's only (EACCES): run this as root (sudo) or as the user the daemon runs as`,
      );
    } finally {
      await daemon.close();
      chmodSync(root, 0o700);
    }
  });
});

describe('a data directory too deep for a socket path', () => {
  it('binds in a private mkdtemp directory, not a predictable /tmp name, and the CLI finds it', async () => {
    let dataDir = fresh('deep');
    while (Buffer.byteLength(join(dataDir, 'admin.sock')) < SOCKET_PATH_MAX + 20)
      dataDir = join(dataDir, 'a-rather-long-folder-name');
    const daemon = await start({ KGC_SUPPORT_DATA_DIR: dataDir });
    let privateDir = '';
    try {
      const socket = daemon.adminSocket;
      privateDir = dirname(socket);
      expect(Buffer.byteLength(socket)).toBeLessThan(SOCKET_PATH_MAX);
      expect(socket).toMatch(/\/kgc-support-[A-Za-z0-9]{6}\/admin\.sock$/);
      expect(existsSync(join(dataDir, 'admin.sock'))).toBe(false);
      const dir = statSync(privateDir);
      expect(dir.mode & 0o777).toBe(0o700);
      expect(dir.uid).toBe(process.getuid?.());
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      // The CLI's own lookup: the lock file in the data directory names the socket.
      const holder = await findDaemon(loadConfig({ KGC_SUPPORT_DATA_DIR: dataDir }), 0);
      expect(holder?.adminSocket).toBe(socket);
      expect(await callAdmin(socket, 'keys.list', {}, 'test')).toEqual(expect.any(Array));
    } finally {
      await daemon.close();
    }
    expect(existsSync(privateDir)).toBe(false);
  });

  it('two starts get two unguessable directories', () => {
    const wanted = join('/x'.repeat(60), 'admin.sock');
    const a = prepareSocketPlace(wanted, { isDefault: true, env: {} });
    const b = prepareSocketPlace(wanted, { isDefault: true, env: {} });
    try {
      expect(a.privateDir).not.toBe(b.privateDir);
      expect(a.privateDir?.startsWith(join(tmpdir(), 'kgc-support-'))).toBe(true);
    } finally {
      for (const p of [a, b]) if (p.privateDir) rmSync(p.privateDir, { recursive: true });
    }
  });

  it('a long KGC_SUPPORT_ADMIN_SOCKET set on purpose is refused clearly, not moved', async () => {
    const wanted = join(fresh('explicit'), 'x'.repeat(SOCKET_PATH_MAX), 'admin.sock');
    await expect(
      start({ KGC_SUPPORT_DATA_DIR: fresh('data'), KGC_SUPPORT_ADMIN_SOCKET: wanted }),
    ).rejects.toThrow(/a Unix socket path must be under 100: choose a shorter one/);
  });
});

describe('a socket that cannot be bound', () => {
  it('fails the start: startDaemon rejects and nothing keeps listening', async () => {
    const blocker = join(fresh('blocked'), 'file');
    mkdirSync(dirname(blocker));
    writeFileSync(blocker, '');
    await expect(
      start({
        KGC_SUPPORT_DATA_DIR: fresh('data'),
        KGC_SUPPORT_ADMIN_SOCKET: join(blocker, 'admin.sock'),
      }),
    ).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
