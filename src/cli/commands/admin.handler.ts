import { adminPassword as passwordOp } from '../../admin-ui/admin-ui.ops.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { runTargetedOp } from '../run-op.js';
import { describeDaemon, withDaemon } from '../target.js';

export async function adminPassword(
  io: CliIO,
  g: GlobalOptions,
  o: { user: string },
): Promise<void> {
  const out = outputFor(io, g);
  const { result, daemon } = await runTargetedOp(passwordOp, { user: o.user }, io, g);
  out.result(withDaemon(result, daemon), () =>
    [
      `${out.style.bold('Admin page')} user ${result.user}: ${result.created ? 'password set' : 'password reset (open sessions end)'} on ${describeDaemon(daemon)}.`,
      '',
      `  ${result.password}`,
      '',
      out.style.yellow('This is the only time the password is shown. Only its hash is stored.'),
      out.style.dim("Log in at /admin on the daemon's address, e.g. http://127.0.0.1:3030/admin"),
    ].join('\n'),
  );
}
