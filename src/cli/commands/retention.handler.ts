import {
  retentionPrune as pruneOp,
  retentionShow as showOp,
} from '../../retention/retention.ops.js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_KEEP, upgradeBackups } from '../../upgrade/plan.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { table } from '../output.js';
import { runTargetedOp } from '../run-op.js';
import { describeDaemon, resolveTarget } from '../target.js';

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '-');

/** 20261208T010000Z → 2026-12-08T01:00:00Z */
const stampIso = (s: string) =>
  `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`;

/** An installed franchise's pre-upgrade backups on the host, and the keep rule that prunes them. */
function upgradeBackupsOf(dir: string) {
  const backups = join(dir, 'backups');
  const found = upgradeBackups(existsSync(backups) ? readdirSync(backups) : []);
  return {
    dir: backups,
    held: found.length,
    oldest_at: found.length > 0 ? stampIso((found.at(-1) as { stamp: string }).stamp) : null,
    files: found.map((b) => b.name),
    keep_rule: `each successful kgc-support upgrade keeps the newest --keep (default ${DEFAULT_KEEP}) and deletes older ones; manual backups are never deleted`,
  };
}

export async function retentionShow(io: CliIO, g: GlobalOptions): Promise<void> {
  const out = outputFor(io, g);
  const target = resolveTarget(io, g);
  const { result: v, daemon } = await runTargetedOp(showOp, {}, io, g);
  const ub = target.kind === 'franchise' ? upgradeBackupsOf(target.dir) : undefined;
  out.result(ub ? { ...v, upgrade_backups: ub } : v, () =>
    [
      table(
        ['KIND', 'HELD', 'OLDEST', 'KEPT FOR', 'OLDEST GOES', 'SETTING'],
        [
          ...v.kinds.map((k) => [
            k.kind,
            k.held === null ? '-' : String(k.held),
            when(k.oldest_at),
            k.kept_for ?? '-',
            when(k.next_goes_at),
            k.setting ?? '-',
          ]),
          ...(ub
            ? [
                [
                  'upgrade backups',
                  String(ub.held),
                  when(ub.oldest_at),
                  `newest ${DEFAULT_KEEP}`,
                  ub.held >= DEFAULT_KEEP ? 'next upgrade' : '-',
                  'upgrade --keep',
                ],
              ]
            : []),
        ],
        out.style,
      ),
      ...(ub ? [out.style.dim(`upgrade backups: ${ub.dir}; ${ub.keep_rule}`)] : []),
      ...v.kinds.filter((k) => k.note).map((k) => out.style.dim(`${k.kind}: ${k.note}`)),
      `Pruned every ${v.every} by the daemon; last run ${when(v.last_run_at)} UTC (${describeDaemon(daemon)}). Times are UTC.`,
    ].join('\n'),
  );
}

export async function retentionPrune(io: CliIO, g: GlobalOptions): Promise<void> {
  const out = outputFor(io, g);
  const { result: r, daemon } = await runTargetedOp(pruneOp, {}, io, g);
  out.result(r, () =>
    [
      ...Object.entries(r.deleted).map(
        ([k, n]) =>
          `${k.padEnd(18)} ${String(n).padStart(7)} deleted${r.errors[k] ? `  ${out.style.red(r.errors[k])}` : ''}`,
      ),
      `${r.ok ? 'Pruned' : out.style.red('Pruned in part')} on ${describeDaemon(daemon)}.`,
    ].join('\n'),
  );
  if (!r.ok) io.exitCode = 1;
}
