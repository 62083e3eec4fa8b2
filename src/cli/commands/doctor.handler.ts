import { cryptoRandom } from '../../context/clock.js';
import { execaExec } from '../../docker/compose.js';
import { overall, runDoctor } from '../../doctor/doctor.js';
import type { Finding } from '../../doctor/finding.js';
import { realProbes } from '../../doctor/probes.js';
import { isKgcError } from '../../errors/kgc-error.js';
import {
  listFranchiseIds,
  loadFranchise,
  type FranchiseRef,
} from '../../franchise/franchise.store.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import { installerConfig, rootOf, shippedTemplates } from '../installer-context.js';
import type { CliIO } from '../io.js';
import type { Output } from '../output.js';

export interface DoctorFlags {
  franchise?: string;
  dir?: string;
}

function icon(out: Output, f: Finding): string {
  return f.status === 'pass'
    ? out.style.green('✔ pass')
    : f.status === 'warn'
      ? out.style.yellow('! warn')
      : out.style.red('✖ fail');
}

/** Every check `doctor` runs, and the worst status among them (also for support-bundle). */
export async function doctorReport(
  io: CliIO,
  g: GlobalOptions,
  o: DoctorFlags,
): Promise<{ status: Finding['status']; checks: Finding[] }> {
  const config = installerConfig(io, g);
  const root = rootOf(io, g, o);
  const refs: FranchiseRef[] = [];
  const problems: { id: string; message: string; hint?: string }[] = [];
  for (const id of o.franchise ? [o.franchise] : listFranchiseIds(root)) {
    try {
      refs.push(loadFranchise(root, id));
    } catch (err) {
      if (!isKgcError(err)) throw err;
      problems.push({ id, message: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    }
  }
  const probes = realProbes({
    exec: execaExec(io.env),
    composeCommand: config.composeCommand,
    templates: shippedTemplates(),
    random: cryptoRandom,
    dataDir: config.dataDir,
    daemonPort: config.port,
    env: io.env,
  });
  const checks = await runDoctor(probes, refs, problems, root);
  return { status: overall(checks), checks };
}

export async function doctor(io: CliIO, g: GlobalOptions, o: DoctorFlags): Promise<void> {
  const out = outputFor(io, g);
  const { status, checks } = await doctorReport(io, g, o);
  if (status === 'fail') io.exitCode = 1;
  out.result({ status, checks }, () =>
    [
      ...checks.map(
        (c) =>
          `${icon(out, c)}  ${out.style.bold(c.check.padEnd(22))} ${c.detail}${c.hint && c.status !== 'pass' ? `\n${' '.repeat(32)}${out.style.dim(`→ ${c.hint}`)}` : ''}`,
      ),
      '',
      status === 'fail'
        ? out.style.red('Some checks failed: see → above.')
        : status === 'warn'
          ? out.style.yellow('No failures; see the warnings above.')
          : out.style.green('All checks pass.'),
    ].join('\n'),
  );
}
