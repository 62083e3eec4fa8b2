import type { Command } from 'commander';
import { addTargetOptions, globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';

export function registerModuleCommands(program: Command, io: CliIO): void {
  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    addTargetOptions(program.command(`${name} [capability]`))
      .description(
        enabled
          ? 'switch the Support module on: the Pull API answers and webhooks are sent; or with a capability (booking) only that one (a running daemon follows within a second)'
          : 'switch the Support module off: the Pull API answers 503 and events are recorded as skipped, never sent; or with a capability (booking) only that one, while reads go on',
      )
      .addHelpText(
        'after',
        `
Capabilities (switched alone, the module staying ${enabled ? 'as it is' : 'on'}):
  booking   POST /api/service/appointments (seed 4.2: books "if enabled"); ${enabled ? 'booking again' : 'a 503 capability_disabled while reads answer'}

Examples:
  $ kgc-support ${name} --franchise budapest-1
  $ kgc-support ${name} booking --franchise budapest-1
  $ kgc-support ${name} --data-dir ./data      (a daemon run with kgc-support serve here)`,
      )
      .action(async (capability: string | undefined, _opts: unknown, cmd: Command) => {
        const h = await import('./module.handler.js');
        await h.setModule(io, globalsOf(cmd), enabled, capability);
      });
  }
}
