import type { Command } from 'commander';
import { addTargetOptions, globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';
import type { BackupFlags, RestoreFlags } from './backup.handler.js';

export function registerBackupCommands(program: Command, io: CliIO): void {
  addTargetOptions(program.command('backup'))
    .description(
      "save the daemon's state (keys, outbox, DLQ, audit, GDPR requests) to one file, durably",
    )
    .option(
      '--output <file>',
      'where to write it (default: <franchise dir>/backups/kgc-support-<id>-<UTC time>.dump; for a local store, <data dir>/backups/)',
    )
    .addHelpText(
      'after',
      `
An installed franchise (--franchise): pg_dump -Fc of its kgc-support-db, run inside that
container while everything keeps running. A local store: a tar of the PGlite data
directory (refused while a daemon serves it: stop the daemon first), or pg_dump of
DATABASE_URL with the host's client. The file is mode 0600 and is acknowledged only
once it is on disk (fsync'd, then renamed into place).

Examples:
  $ kgc-support backup --franchise budapest-1
  $ kgc-support backup --franchise budapest-1 --output /srv/backups/budapest-1.dump --json
  $ kgc-support backup --data-dir ~/.local/share/kgc-support --output state.tar`,
    )
    .action(async (opts: BackupFlags, cmd: Command) => {
      const h = await import('./backup.handler.js');
      await h.backup(io, globalsOf(cmd), opts);
    });

  addTargetOptions(program.command('restore <file>'))
    .description("replace the daemon's state with a backup (refused while the daemon runs)")
    .option(
      '--timeout <duration>',
      'how long to wait for kgc-support-db to be healthy when restore starts it',
      '180s',
    )
    .addHelpText(
      'after',
      `
An installed franchise: stop its daemon first (kgc-support down --franchise <id>
--service kgc-support); restore starts kgc-support-db alone when it is not running and
runs pg_restore --clean --if-exists --single-transaction inside it; then kgc-support up.
A local PGlite store: stop the daemon that serves the data directory first.
Asks for confirmation on a terminal; pass --yes otherwise.

Examples:
  $ kgc-support down --franchise budapest-1 --service kgc-support
  $ kgc-support restore --franchise budapest-1 backups/kgc-support-budapest-1-20261202T010000Z.dump --yes
  $ kgc-support up --franchise budapest-1`,
    )
    .action(async (file: string, opts: RestoreFlags, cmd: Command) => {
      const h = await import('./backup.handler.js');
      await h.restore(io, globalsOf(cmd), file, opts);
    });
}
