import type { Command } from 'commander';
import { addTargetOptions, globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';

export function registerRetentionCommands(program: Command, io: CliIO): void {
  const retention = program
    .command('retention')
    .description(
      'how long each kind of record is kept (GDPR storage limitation), what is held and when it goes',
    );

  retention
    .command('show')
    .description(
      'each kind of record: how many are held, the oldest, how long they are kept, when the oldest goes, the last pruning',
    )
    .addHelpText(
      'after',
      `
The periods are settings (KGC_SUPPORT_EVENT_RETENTION, KGC_SUPPORT_DLQ_RETENTION, …: see
kgc-support config); a running daemon deletes what is past them every
KGC_SUPPORT_RETENTION_INTERVAL. For an installed franchise it also shows the pre-upgrade
backups on the host (<franchise dir>/backups/upgrade-*.dump) and their keep rule.

Examples:
  $ kgc-support retention show
  $ kgc-support retention show --franchise budapest-1 --json`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const h = await import('./retention.handler.js');
      await h.retentionShow(io, globalsOf(cmd));
    });

  retention
    .command('prune')
    .description('delete now what is past its retention period (the daemon does it by itself)')
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support retention prune
  $ kgc-support retention prune --franchise budapest-1 --json`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const h = await import('./retention.handler.js');
      await h.retentionPrune(io, globalsOf(cmd));
    });
  retention.commands.forEach(addTargetOptions);
}
