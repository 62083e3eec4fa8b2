/**
 * A throwaway PostgreSQL cluster for fault tests: initdb and pg_ctl of the
 * installed server (/usr/lib/postgresql/<v>/bin), run as the postgres user, with
 * its data directory where the test says (a small tmpfs), trust auth on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { refusedPort } from '../helpers/health.js';
import { join } from 'node:path';

export interface PgCluster {
  readonly url: string;
  readonly dataDir: string;
  log(): string;
  /** pg_ctl start again (after a crash), waiting until it accepts connections. */
  start(): void;
  running(): boolean;
  stop(): void;
}

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions)
    if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  return undefined;
}

/** A running cluster in `dir` (created), or the reason it cannot be had. */
export async function startPgCluster(dir: string): Promise<PgCluster | string> {
  const bin = binDir();
  if (!bin) return 'no PostgreSQL server binaries under /usr/lib/postgresql/*/bin';
  if (process.getuid?.() !== 0) return 'not root: cannot run initdb as the postgres user';
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  const dataDir = join(dir, 'pgdata');
  const sockDir = join(dir, 'sock');
  mkdirSync(sockDir, { recursive: true });
  chownSync(dir, uid, gid);
  chownSync(sockDir, uid, gid);
  const asPg = (cmd: string, args: string[]): void => {
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], {
      stdio: 'pipe',
      timeout: 120_000,
    });
  };
  try {
    asPg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  } catch (err) {
    return `initdb failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? String(err)}`;
  }
  const port = await refusedPort();
  const logFile = join(dir, 'postgres.log');
  const start = (): void =>
    asPg('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      logFile,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${sockDir} -c listen_addresses=127.0.0.1`,
      'start',
    ]);
  try {
    start();
  } catch (err) {
    return `pg_ctl start failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? String(err)}`;
  }
  const running = (): boolean => {
    try {
      asPg('pg_ctl', ['-D', dataDir, 'status']);
      return true;
    } catch {
      return false;
    }
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    start,
    running,
    stop() {
      if (running()) asPg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    },
  };
}
