import type { Command } from 'commander';
import { addTargetOptions, globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';

export function registerModuleCommands(program: Command, io: CliIO): void {
  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    addTargetOptions(program.command(name))
      .description(
        enabled
          ? 'switch the Support module on: the Pull API answers and webhooks are sent (a running daemon follows within a second)'
          : 'switch the Support module off: the Pull API answers 503 and events are recorded as skipped, never sent',
      )
      .addHelpText(
        'after',
        `
Examples:
  $ kgc-support ${name} --franchise budapest-1
  $ kgc-support ${name} --data-dir ./data      (a daemon run with kgc-support serve here)`,
      )
      .action(async (_opts: unknown, cmd: Command) => {
        const h = await import('./module.handler.js');
        await h.setModule(io, globalsOf(cmd), enabled);
      });
  }
}
