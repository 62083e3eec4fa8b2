/**
 * Backup and restore of a local store: the embedded PGlite (a tar of its data
 * directory, taken while holding the data directory lock, so no process has it open
 * and the copy is consistent) or PostgreSQL at DATABASE_URL (the host's pg_dump and
 * pg_restore). A daemon serving the store is never backed up under or restored over.
 */
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  fsyncSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { KgcError } from '../errors/kgc-error.js';
import { runFailed } from './run-failed.js';
import { acquireLock, describeHolder, lockHolder, type Lock } from '../store/lock.js';
import {
  expectStart,
  headOf,
  PG_DUMP_MAGIC,
  sha256Of,
  writeDurably,
  type BackupFacts,
} from './durable.js';

/** The embedded store's directory inside the data directory (see store/open.ts). */
export const PGDATA = 'pgdata';

/** Takes the data directory lock for `command`; a daemon holding it is refused with `daemonCode`, a short CLI command is waited for. */
async function lockStore(
  dataDir: string,
  command: string,
  daemonCode: 'store_locked' | 'target_running',
  waitMs = 15_000,
): Promise<Lock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await acquireLock(dataDir, command);
    } catch (err) {
      if (!(err instanceof KgcError) || err.code !== 'store_locked') throw err;
      const holder = await lockHolder(dataDir);
      if (holder?.command === 'serve') {
        throw new KgcError(
          daemonCode,
          `a daemon serves ${dataDir}: ${describeHolder(holder)}; stop the daemon first (a PGlite store is copied only while no process has it open)`,
          { extras: { holder_pid: holder.pid } },
        );
      }
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/** A tar file starts its first header's magic at byte 257. */
function expectTar(tmp: string): void {
  if (headOf(tmp, 262).subarray(257).toString('latin1') !== 'ustar')
    throw new KgcError(
      'internal',
      'tar wrote something that is not a tar archive; nothing was kept',
    );
}

export async function backupPglite(dataDir: string, target: string): Promise<BackupFacts> {
  if (!existsSync(join(dataDir, PGDATA)))
    throw new KgcError(
      'store_unavailable',
      `no embedded store in ${dataDir} (no ${PGDATA}/ there): nothing to back up`,
    );
  const lock = await lockStore(dataDir, 'backup', 'store_locked');
  try {
    return await writeDurably(
      target,
      'pglite',
      async (tmp) => {
        const r = await execa('tar', ['-C', dataDir, '-cf', tmp, PGDATA], { reject: false });
        if (r.exitCode !== 0) throw runFailed('tar', r);
      },
      expectTar,
    );
  } finally {
    lock.release();
  }
}

/** Every entry of the archive is pgdata or under it, and it holds a cluster. */
async function assertPgliteArchive(file: string): Promise<void> {
  const r = await execa('tar', ['-tf', file], { reject: false });
  if (r.exitCode !== 0)
    throw new KgcError(
      'bad_request',
      `${file} is not a PGlite backup (tar cannot read it): ${r.stderr.split('\n')[0] ?? ''}`,
    );
  const entries = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/\/$/, ''));
  const outside = entries.filter(
    (e) => !(e === PGDATA || e.startsWith(`${PGDATA}/`)) || e.split('/').includes('..'),
  );
  if (outside.length > 0 || !entries.includes(`${PGDATA}/PG_VERSION`)) {
    throw new KgcError(
      'bad_request',
      `${file} is not a PGlite backup of kgc-support (${outside.length > 0 ? `it holds ${outside[0]}` : `no ${PGDATA}/PG_VERSION`})`,
    );
  }
}

function fsyncTree(path: string, deep = true): void {
  const st = statSync(path);
  if (deep && st.isDirectory()) for (const name of readdirSync(path)) fsyncTree(join(path, name));
  if (!st.isDirectory() && !st.isFile()) return;
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces the data directory's store with the archive's: extracted beside it and made
 * durable first, then swapped in by renames, so a crash leaves either store whole.
 */
export async function restorePglite(dataDir: string, file: string): Promise<BackupFacts> {
  await assertPgliteArchive(file);
  const lock = await lockStore(dataDir, 'restore', 'target_running');
  const staging = join(dataDir, `.restore-${process.pid}`);
  const before = join(dataDir, `.${PGDATA}-before-restore-${process.pid}`);
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { mode: 0o700 });
    const r = await execa('tar', ['-C', staging, '-xf', file, '--no-same-owner'], {
      reject: false,
    });
    if (r.exitCode !== 0) throw runFailed('tar', r);
    fsyncTree(join(staging, PGDATA));
    const live = join(dataDir, PGDATA);
    if (existsSync(live)) renameSync(live, before);
    renameSync(join(staging, PGDATA), live);
    fsyncTree(dataDir, false); // the renames
    rmSync(before, { recursive: true, force: true });
    return { file, bytes: statSync(file).size, sha256: await sha256Of(file), store: 'pglite' };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

/** The URL without its password (command lines are visible to every user) and the password for PGPASSWORD. */
function split(url: string): { url: string; env: Record<string, string> } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), env: password === '' ? {} : { PGPASSWORD: password } };
}

/** Connections of kgc-support daemons (their application_name) to the database, other than ours. */
async function daemonConnections(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url, application_name: 'kgc-support-restore' });
  try {
    await c.connect();
    const r = await c.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'kgc-support' AND pid <> pg_backend_pid()",
    );
    return Number(r.rows[0]?.n ?? 0);
  } catch (err) {
    throw new KgcError(
      'store_unavailable',
      `cannot connect to PostgreSQL: ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    await c.end().catch(() => {});
  }
}

export async function backupPostgres(
  url: string,
  target: string,
  env: NodeJS.ProcessEnv,
): Promise<BackupFacts> {
  const s = split(url);
  return writeDurably(
    target,
    'postgres',
    async (tmp) => {
      const r = await execa('pg_dump', ['-Fc', '-d', s.url, '-f', tmp], {
        reject: false,
        env: { ...env, ...s.env },
      });
      if (r.exitCode !== 0) throw runFailed('pg_dump', r);
    },
    (tmp) => expectStart(tmp, PG_DUMP_MAGIC, 'pg_dump'),
  );
}

/** pg_restore into DATABASE_URL, refused while a daemon holds the data directory or is connected to the database. */
export async function restorePostgres(
  url: string,
  dataDir: string,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<BackupFacts> {
  if (headOf(file, PG_DUMP_MAGIC.length).toString('latin1') !== PG_DUMP_MAGIC)
    throw new KgcError(
      'bad_request',
      `${file} is not a pg_dump archive (custom format): a PGlite backup restores into a --data-dir store`,
    );
  const holder = await lockHolder(dataDir);
  if (holder?.command === 'serve')
    throw new KgcError(
      'target_running',
      `a daemon serves this store: ${describeHolder(holder)}; stop the daemon first`,
    );
  const n = await daemonConnections(url);
  if (n > 0)
    throw new KgcError(
      'target_running',
      `${n} kgc-support daemon connection(s) to this database are open: stop the daemon first`,
    );
  const s = split(url);
  const r = await execa(
    'pg_restore',
    ['--clean', '--if-exists', '--single-transaction', '--no-owner', '-d', s.url, file],
    { reject: false, env: { ...env, ...s.env } },
  );
  if (r.exitCode !== 0) throw runFailed('pg_restore', r);
  return { file, bytes: statSync(file).size, sha256: await sha256Of(file), store: 'postgres' };
}
