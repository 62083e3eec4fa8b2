/**
 * doctor's checks of a franchise's configuration as the daemon's container will get it:
 * the ERP's database is given (and is not the container itself), the rendered daemon
 * environment is one the daemon accepts (its own start-time check), and the daemon's
 * state is in PostgreSQL rather than PGlite.
 */
import type { FranchiseRef } from '../franchise/franchise.store.js';
import {
  daemonEnvFindings,
  daemonEnvironment,
  describeFinding,
  type DaemonFiles,
} from '../render/daemon-env.js';
import { parseEnv } from '../render/env-format.js';
import { erpDatabaseProblem } from '../render/erp-database.js';
import { supportProjectOf } from '../render/model.js';
import { SECRETS_FILE } from '../render/secrets.js';
import type { CheckStatus, Finding } from './finding.js';

export interface RenderedConfigProbes {
  readText(path: string): string | undefined;
}

const finding = (check: string, status: CheckStatus, detail: string, hint?: string): Finding =>
  hint === undefined ? { check, status, detail } : { check, status, detail, hint };

function erpDatabase(p: RenderedConfigProbes, ref: FranchiseRef): Finding {
  const check = `erp database ${ref.id}`;
  const url =
    parseEnv(p.readText(`${ref.dir}/${SECRETS_FILE}`) ?? '').get('ERP_DATABASE_URL') ?? '';
  const fix = `Set ERP_DATABASE_URL=postgres://<role>:<password>@<host>:5432/<db> in ${ref.dir}/${SECRETS_FILE} (the ERP's server as the daemon's container reaches it), then kgc-support render --franchise ${ref.id}; it writes erp/kgc-support-erp.sql, the role and grants for the ERP's DBA.`;
  if (url === '')
    return finding(
      check,
      'fail',
      `ERP_DATABASE_URL is not set in ${SECRETS_FILE}: the daemon would serve an empty ERP contract`,
      fix,
    );
  const problem = erpDatabaseProblem(url);
  if (problem) return finding(check, 'fail', problem, fix);
  return finding(check, 'pass', `ERP_DATABASE_URL names ${new URL(url).host}`);
}

/** The rendered files that start the daemon, when the franchise is rendered. */
function daemonFiles(p: RenderedConfigProbes, ref: FranchiseRef): DaemonFiles | undefined {
  const sp = supportProjectOf(ref.franchise);
  const composeText = p.readText(`${ref.dir}/${sp.composeFile}`);
  const envText = p.readText(`${ref.dir}/${sp.envFile}`);
  return composeText === undefined || envText === undefined ? undefined : { composeText, envText };
}

function daemonEnv(ref: FranchiseRef, d: DaemonFiles): Finding {
  const check = `daemon env ${ref.id}`;
  const found = daemonEnvFindings(ref.franchise, d);
  if (found.length === 0)
    return finding(check, 'pass', 'the daemon accepts the environment its container gets');
  return finding(
    check,
    'fail',
    `the daemon would refuse to start: ${found.map(describeFinding).join('; ')}`,
    `Fix each value where it comes from (above), then kgc-support render --franchise ${ref.id} and kgc-support up --franchise ${ref.id}.`,
  );
}

function daemonStore(ref: FranchiseRef, d: DaemonFiles): Finding {
  const check = `daemon store ${ref.id}`;
  const url = daemonEnvironment(d).DATABASE_URL ?? '';
  if (url === '') {
    return finding(
      check,
      'warn',
      'the daemon keeps its state (keys, outbox, DLQ, audit, GDPR requests) in PGlite, which does not survive a power cut',
      `Render again: kgc-support render --franchise ${ref.id} gives it its own PostgreSQL (kgc-support-db); then kgc-support up --franchise ${ref.id}.`,
    );
  }
  let host = 'PostgreSQL';
  try {
    host = new URL(url).host;
  } catch {
    /* the daemon env check reports a bad URL */
  }
  return finding(check, 'pass', `PostgreSQL at ${host}`);
}

export function renderedConfigChecks(p: RenderedConfigProbes, ref: FranchiseRef): Finding[] {
  const out = [erpDatabase(p, ref)];
  const d = daemonFiles(p, ref);
  if (d !== undefined) out.push(daemonEnv(ref, d), daemonStore(ref, d));
  return out;
}
