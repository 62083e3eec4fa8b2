import {
  retentionPrune as pruneOp,
  retentionShow as showOp,
} from '../../retention/retention.ops.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { table } from '../output.js';
import { runTargetedOp } from '../run-op.js';
import { describeDaemon } from '../target.js';

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '-');

export async function retentionShow(io: CliIO, g: GlobalOptions): Promise<void> {
  const out = outputFor(io, g);
  const { result: v, daemon } = await runTargetedOp(showOp, {}, io, g);
  out.result(v, () =>
    [
      table(
        ['KIND', 'HELD', 'OLDEST', 'KEPT FOR', 'OLDEST GOES', 'SETTING'],
        v.kinds.map((k) => [
          k.kind,
          k.held === null ? '-' : String(k.held),
          when(k.oldest_at),
          k.kept_for ?? '-',
          when(k.next_goes_at),
          k.setting ?? '-',
        ]),
        out.style,
      ),
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
