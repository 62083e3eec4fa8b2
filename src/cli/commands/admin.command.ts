import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { addTargetOptions, globalsOf } from '../globals.js';

export function registerAdminCommands(program: Command, io: CliIO): void {
  const admin = program.command('admin').description('the admin page (/admin) of the daemon');
  addTargetOptions(admin.command('password'))
    .description(
      'set or reset the admin page password: a new one is generated and printed once, only its scrypt hash is stored; a reset ends every open session',
    )
    .option('--user <name>', 'the admin user name', 'admin')
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support admin password --franchise budapest-1
  $ kgc-support admin password --data-dir ./data      (a local or embedded daemon)
  $ kgc-support admin password --franchise budapest-1 --json | jq -r .password`,
    )
    .action(async (opts: { user: string }, cmd: Command) => {
      const h = await import('./admin.handler.js');
      await h.adminPassword(io, globalsOf(cmd), opts);
    });
}
