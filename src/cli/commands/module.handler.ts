import { KgcError } from '../../errors/kgc-error.js';
import { pluginDisable, pluginEnable } from '../../plugin/plugin.ops.js';
import { CAPABILITIES, CAPABILITY_DOORS, isCapability } from '../../plugin/plugin.schema.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { runTargetedOp } from '../run-op.js';
import { describeDaemon, withDaemon } from '../target.js';

export async function setModule(
  io: CliIO,
  g: GlobalOptions,
  enabled: boolean,
  capability?: string,
): Promise<void> {
  if (capability !== undefined && !isCapability(capability))
    throw new KgcError(
      'usage',
      `unknown capability "${capability}": the capabilities are ${CAPABILITIES.join(', ')}`,
    );
  const out = outputFor(io, g);
  const { result: state, daemon } = await runTargetedOp(
    enabled ? pluginEnable : pluginDisable,
    capability ? { capability } : {},
    io,
    g,
  );
  const onOff = (on: boolean) => (on ? out.style.green('on') : out.style.yellow('off'));
  // The switch just set disagrees with the daemon's SUPPORT_MODULE_ENABLED: say which one decides.
  if (!capability && !state.environment.agrees) out.warn(state.environment.detail);
  out.result(withDaemon(state, daemon), () =>
    capability
      ? `${capability} (${CAPABILITY_DOORS[capability]}) switched ${onOff(state.capabilities[capability].enabled)} on ${describeDaemon(daemon)}; the module is ${onOff(state.enabled)}.`
      : `Support module ${state.enabled ? out.style.green('enabled') : out.style.yellow('disabled')} on ${describeDaemon(daemon)}.`,
  );
}
