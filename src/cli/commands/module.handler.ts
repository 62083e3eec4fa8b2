import { pluginDisable, pluginEnable } from '../../plugin/plugin.ops.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { runTargetedOp } from '../run-op.js';
import { describeDaemon, withDaemon } from '../target.js';

export async function setModule(io: CliIO, g: GlobalOptions, enabled: boolean): Promise<void> {
  const out = outputFor(io, g);
  const { result: state, daemon } = await runTargetedOp(
    enabled ? pluginEnable : pluginDisable,
    {},
    io,
    g,
  );
  out.result(
    withDaemon(state, daemon),
    () =>
      `Support module ${state.enabled ? out.style.green('enabled') : out.style.yellow('disabled')} on ${describeDaemon(daemon)}.`,
  );
}
