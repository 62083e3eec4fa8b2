import type { Command } from 'commander';
import { DEFAULT_KEEP } from '../../upgrade/plan.js';
import { globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';
import type { UpgradeFlags } from './upgrade.handler.js';

export function registerUpgradeCommands(program: Command, io: CliIO): void {
  program
    .command('upgrade')
    .description(
      "move a franchise to this version's daemon image: backup first, re-render, up, wait until ready; rolls back on failure",
    )
    .option('--franchise <id>', 'the franchise (env KGC_SUPPORT_FRANCHISE; default: the only one)')
    .option('--all', 'every installed franchise in turn (stops at the first that fails)')
    .option(
      '--dry-run',
      'show the plan (versions, backup, steps, backups to delete); change nothing',
    )
    .option(
      '--image-archive <file>',
      "load the daemon's image from a release's archive first (kgc-support-<version>-image.tar)",
    )
    .option(
      '--keep <n>',
      'pre-upgrade backups kept per franchise (older ones are deleted)',
      String(DEFAULT_KEEP),
    )
    .option('--timeout <duration>', 'how long to wait for health and readiness', '180s')
    .option(
      '--dir <dir>',
      'the franchises directory (env KGC_SUPPORT_FRANCHISES_DIR; default /var/lib/kgc-support/franchises for root, else ~/.local/share/kgc-support/franchises)',
    )
    .addHelpText(
      'after',
      `
The new version is the daemon image franchise.yaml names with this kgc-support
(images: kgc-support:, by default kgc-support:<this version>): install the new release's
package first, then upgrade. Refuses to go backwards (an older version than the daemon
runs). Steps: back up the daemon's state to <franchise dir>/backups/upgrade-<from>-to-<to>-
<UTC time>.dump (kept), render, up, wait until the daemon is ready. When a step after the
backup fails, it stops the new daemon, puts the previous files and image back, restores
the backup, brings the previous version up and exits 1 (upgrade_rolled_back). The newest
--keep pre-upgrade backups stay; other backups are never deleted.

Exit codes: 0 upgraded (or already up to date), 1 failed (upgrade_backwards: refused,
nothing changed; upgrade_rolled_back: the previous version runs again; upgrade_failed: the
rollback failed too, restore the named backup by hand), 2 usage.

Examples:
  $ kgc-support upgrade --franchise budapest-1 --dry-run
  $ kgc-support upgrade --franchise budapest-1 --image-archive kgc-support-0.2.0-image.tar
  $ kgc-support upgrade --all --keep 5 --json`,
    )
    .action(async (opts: UpgradeFlags, cmd: Command) => {
      const h = await import('./upgrade.handler.js');
      await h.upgrade(io, globalsOf(cmd), opts);
    });
}
