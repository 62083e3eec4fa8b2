/**
 * Backup and restore of an installed franchise's daemon state: its own PostgreSQL, the
 * stack's kgc-support-db service. pg_dump and pg_restore run inside that container
 * (docker exec), so no port is published and the host needs no PostgreSQL client; the
 * dump streams to the host file. Restore refuses while the daemon's container runs:
 * pg_restore --clean under a live daemon would pull its tables from under it.
 */
import { statSync } from 'node:fs';
import { execa } from 'execa';
import { cleanEnv } from '../docker/compose.js';
import { projectContainers, type ServiceContainer } from '../docker/engine.js';
import { renderedServices } from '../docker/images.js';
import { startSupport, supportProject, type StackDeps } from '../docker/stack.js';
import { waitFor } from '../docker/wait.js';
import { KgcError } from '../errors/kgc-error.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { runFailed } from './run-failed.js';
import {
  expectStart,
  headOf,
  PG_DUMP_MAGIC,
  sha256Of,
  writeDurably,
  type BackupFacts,
} from './durable.js';

export const DB_SERVICE = 'kgc-support-db';
export const DAEMON_SERVICE = 'kgc-support';
/** The database and its owner in kgc-support-db (POSTGRES_USER / POSTGRES_DB of the rendered stack). */
export const DB_USER = 'kgc_support';
export const DB_NAME = 'kgc_support';

const LIVE = new Set(['running', 'restarting', 'paused']);

function assertHasDb(ref: FranchiseRef): void {
  if (!renderedServices(ref).has(DB_SERVICE)) {
    throw new KgcError(
      'render_stale',
      `franchise ${ref.id}'s rendered stack has no ${DB_SERVICE} service (its daemon's state is not in PostgreSQL): run kgc-support render --franchise ${ref.id}, then kgc-support up --franchise ${ref.id}`,
    );
  }
}

async function serviceContainer(
  ref: FranchiseRef,
  deps: Pick<StackDeps, 'docker'>,
  service: string,
): Promise<ServiceContainer | undefined> {
  return (await projectContainers(deps.docker, supportProject(ref).project)).find(
    (c) => c.service === service,
  );
}

export async function backupFranchise(
  ref: FranchiseRef,
  deps: Pick<StackDeps, 'docker'>,
  target: string,
  env: NodeJS.ProcessEnv,
): Promise<BackupFacts> {
  assertHasDb(ref);
  const db = await serviceContainer(ref, deps, DB_SERVICE);
  if (db?.state !== 'running') {
    throw new KgcError(
      'not_ready',
      `franchise ${ref.id}'s ${DB_SERVICE} is ${db ? db.state : 'not created'}: start it with kgc-support up --franchise ${ref.id}`,
    );
  }
  return writeDurably(
    target,
    'postgres-container',
    async (tmp) => {
      const r = await execa('docker', ['exec', db.id, 'pg_dump', '-Fc', '-U', DB_USER, DB_NAME], {
        reject: false,
        env: cleanEnv(env),
        extendEnv: false,
        stdout: { file: tmp },
      });
      if (r.exitCode !== 0) throw runFailed(`pg_dump in ${DB_SERVICE}`, r);
    },
    (tmp) => expectStart(tmp, PG_DUMP_MAGIC, 'pg_dump'),
  );
}

/** The database container running and healthy: started alone (compose up -d kgc-support-db) when it is not. */
async function runningDb(
  ref: FranchiseRef,
  deps: StackDeps,
  timeoutMs: number,
): Promise<ServiceContainer> {
  let db = await serviceContainer(ref, deps, DB_SERVICE);
  if (db?.state !== 'running') await startSupport(ref, deps, [DB_SERVICE]);
  const v = await waitFor(() => serviceContainer(ref, deps, DB_SERVICE), { timeoutMs });
  if (v.kind !== 'ready')
    throw new KgcError('support_unhealthy', `franchise ${ref.id}'s ${DB_SERVICE}: ${v.detail}`);
  db = await serviceContainer(ref, deps, DB_SERVICE);
  if (!db)
    throw new KgcError('support_unhealthy', `franchise ${ref.id}'s ${DB_SERVICE} disappeared`);
  return db;
}

/** Refuses while the daemon's container is live; the container found is returned for the message. */
export async function assertDaemonStopped(
  ref: FranchiseRef,
  deps: Pick<StackDeps, 'docker'>,
): Promise<void> {
  const daemon = await serviceContainer(ref, deps, DAEMON_SERVICE);
  if (daemon && LIVE.has(daemon.state)) {
    throw new KgcError(
      'target_running',
      `franchise ${ref.id}'s daemon container ${daemon.name} is ${daemon.state}: stop it first with kgc-support down --franchise ${ref.id} --service ${DAEMON_SERVICE}, restore, then kgc-support up --franchise ${ref.id}`,
      { extras: { container: daemon.name } },
    );
  }
}

export function assertPgDump(file: string): void {
  if (headOf(file, PG_DUMP_MAGIC.length).toString('latin1') !== PG_DUMP_MAGIC) {
    throw new KgcError(
      'bad_request',
      `${file} is not a pg_dump archive (custom format), as kgc-support backup --franchise writes`,
    );
  }
}

export async function restoreFranchise(
  ref: FranchiseRef,
  deps: StackDeps,
  file: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 180_000,
): Promise<BackupFacts> {
  assertHasDb(ref);
  assertPgDump(file);
  await assertDaemonStopped(ref, deps);
  const db = await runningDb(ref, deps, timeoutMs);
  await assertDaemonStopped(ref, deps); // started meanwhile by someone else: still refused
  const r = await execa(
    'docker',
    [
      'exec',
      '-i',
      db.id,
      'pg_restore',
      '--clean',
      '--if-exists',
      '--single-transaction',
      '-U',
      DB_USER,
      '-d',
      DB_NAME,
    ],
    { reject: false, env: cleanEnv(env), extendEnv: false, stdin: { file } },
  );
  if (r.exitCode !== 0) throw runFailed(`pg_restore in ${DB_SERVICE}`, r);
  return {
    file,
    bytes: statSync(file).size,
    sha256: await sha256Of(file),
    store: 'postgres-container',
  };
}
