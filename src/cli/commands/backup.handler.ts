import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertDaemonStopped, backupFranchise, restoreFranchise } from '../../backup/container.js';
import { utcStamp, type BackupFacts } from '../../backup/durable.js';
import {
  backupPglite,
  backupPostgres,
  restorePglite,
  restorePostgres,
} from '../../backup/local.js';
import { parseDuration } from '../../config/duration.js';
import { connectDocker, engineVersion } from '../../docker/engine.js';
import { KgcError } from '../../errors/kgc-error.js';
import { loadFranchise } from '../../franchise/franchise.store.js';
import { canPrompt, outputFor, type GlobalOptions } from '../globals.js';
import { stackDeps } from '../installer-context.js';
import type { CliIO } from '../io.js';
import { franchisesRootOf, resolveTarget } from '../target.js';

export interface BackupFlags {
  output?: string;
}
export interface RestoreFlags {
  timeout: string;
}

const STORE_LABEL: Record<BackupFacts['store'], string> = {
  'postgres-container': 'PostgreSQL (kgc-support-db, pg_dump custom format)',
  postgres: 'PostgreSQL at DATABASE_URL (pg_dump custom format)',
  pglite: 'embedded PGlite (tar of its data directory)',
};

function outputPath(flag: string | undefined, fallback: () => string): string {
  const file = flag === undefined ? fallback() : resolve(flag);
  if (existsSync(file))
    throw new KgcError(
      'usage',
      `${file} exists: a backup never overwrites a file; name another with --output`,
    );
  return file;
}

export async function backup(io: CliIO, g: GlobalOptions, o: BackupFlags): Promise<void> {
  const out = outputFor(io, g);
  const target = resolveTarget(io, g);
  const stamp = utcStamp(new Date());
  let facts: BackupFacts;
  let from: string;
  if (target.kind === 'franchise') {
    const ref = loadFranchise(franchisesRootOf(io, g), target.id);
    const docker = connectDocker(io.env);
    await engineVersion(docker);
    const file = outputPath(o.output, () =>
      join(ref.dir, 'backups', `kgc-support-${ref.id}-${stamp}.dump`),
    );
    facts = await backupFranchise(ref, { docker }, file, io.env);
    from = `franchise ${ref.id}`;
  } else if (target.config.databaseUrl !== undefined) {
    const file = outputPath(o.output, () =>
      join(target.config.dataDir, 'backups', `kgc-support-${stamp}.dump`),
    );
    facts = await backupPostgres(target.config.databaseUrl, file, io.env);
    from = 'DATABASE_URL';
  } else {
    const file = outputPath(o.output, () =>
      join(target.config.dataDir, 'backups', `kgc-support-${stamp}.tar`),
    );
    facts = await backupPglite(target.config.dataDir, file);
    from = target.config.dataDir;
  }
  out.result(
    facts,
    () =>
      `${out.style.green('✔')} backed up the daemon state of ${from} (${STORE_LABEL[facts.store]})\n  ${facts.file}\n  ${facts.bytes} bytes, sha256 ${facts.sha256}`,
  );
}

async function confirmed(io: CliIO, g: GlobalOptions, what: string): Promise<boolean> {
  if (g.yes) return true;
  if (!canPrompt(io, g))
    throw new KgcError('confirmation_required', `restore replaces ${what}: pass --yes to confirm`);
  const { confirm } = await import('@inquirer/prompts');
  return confirm({
    message: `Replace ${what} with this backup? What is there now is lost.`,
    default: false,
  });
}

export async function restore(
  io: CliIO,
  g: GlobalOptions,
  fileArg: string,
  o: RestoreFlags,
): Promise<void> {
  const out = outputFor(io, g);
  const target = resolveTarget(io, g);
  const file = resolve(fileArg);
  if (!existsSync(file)) throw new KgcError('not_found', `${file} does not exist`);
  const timeoutMs = parseDuration(o.timeout, '--timeout');
  let facts: BackupFacts;
  let into: string;
  if (target.kind === 'franchise') {
    const ref = loadFranchise(franchisesRootOf(io, g), target.id);
    into = `franchise ${ref.id}'s daemon state`;
    const deps = await stackDeps(io, g);
    await assertDaemonStopped(ref, deps); // before asking: a question that ends in a refusal is a waste
    if (!(await confirmed(io, g, into))) {
      out.info('Nothing restored.');
      return;
    }
    facts = await restoreFranchise(ref, deps, file, io.env, timeoutMs);
  } else if (target.config.databaseUrl !== undefined) {
    into = 'the daemon state in DATABASE_URL';
    if (!(await confirmed(io, g, into))) {
      out.info('Nothing restored.');
      return;
    }
    facts = await restorePostgres(target.config.databaseUrl, target.config.dataDir, file, io.env);
  } else {
    into = `the daemon state in ${target.config.dataDir}`;
    if (!(await confirmed(io, g, into))) {
      out.info('Nothing restored.');
      return;
    }
    facts = await restorePglite(target.config.dataDir, file);
  }
  out.result(
    facts,
    () =>
      `${out.style.green('✔')} restored ${into} from ${facts.file} (${facts.bytes} bytes, sha256 ${facts.sha256})${
        target.kind === 'franchise'
          ? `\n  Start the daemon again: kgc-support up --franchise ${target.id}`
          : ''
      }`,
  );
}
