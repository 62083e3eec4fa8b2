import type { Command } from 'commander';
import { globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';
import type { DoctorFlags } from './doctor.handler.js';

export function registerDoctorCommand(program: Command, io: CliIO): void {
  program
    .command('doctor')
    .description(
      'check this host before and after installing: engine, compose, disk, ports, config, files, secrets, daemon',
    )
    .option('--franchise <id>', 'only this franchise (default: every franchise in the directory)')
    .option(
      '--dir <dir>',
      'the franchises directory (env KGC_SUPPORT_FRANCHISES_DIR; default /var/lib/kgc-support/franchises for root, else ~/.local/share/kgc-support/franchises)',
    )
    .addHelpText(
      'after',
      `
Each finding is pass, warn or fail, with what to do about it. Exit code 1 when any check
fails (warnings alone exit 0).

Examples:
  $ kgc-support doctor
  $ kgc-support doctor --franchise budapest-1 --json | jq '.checks[] | select(.status != "pass")'`,
    )
    .action(async (opts: DoctorFlags, cmd: Command) => {
      const h = await import('./doctor.handler.js');
      await h.doctor(io, globalsOf(cmd), opts);
    });
}
