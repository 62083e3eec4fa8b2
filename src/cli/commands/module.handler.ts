import { pluginDisable, pluginEnable } from '../../plugin/plugin.ops.js';
import type { PluginState } from '../../plugin/plugin.schema.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { runOp } from '../run-op.js';

export async function setModule(io: CliIO, g: GlobalOptions, enabled: boolean): Promise<void> {
  const out = outputFor(io, g);
  const state = await runOp(enabled ? pluginEnable : pluginDisable, {}, io, g);
  out.result(state, () => `Support module ${state.enabled ? out.style.green('enabled') : out.style.yellow('disabled')}.`);
}
