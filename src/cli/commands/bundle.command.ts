import type { Command } from 'commander';
import { addTargetOptions, globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';
import type { BundleFlags } from './bundle.handler.js';

export function registerBundleCommand(program: Command, io: CliIO): void {
  addTargetOptions(program.command('support-bundle'))
    .description(
      'one archive for a support call: the configuration, doctor, health, status, versions and recent logs, secrets redacted',
    )
    .option(
      '--output <file>',
      'where to write it (default: ./kgc-support-bundle-<franchise or local>-<UTC time>.tar.gz)',
    )
    .option(
      '--env-file <file>',
      "without --franchise: the host daemon's environment file (default /etc/kgc-support/kgc-support.env, the unit file's, when it exists)",
    )
    .option('--log-lines <n>', "the last lines of each support service's log", '500')
    .option('--timeout <duration>', 'how long each part may take before it is left out', '60s')
    .addHelpText(
      'after',
      `
Without --franchise: the daemon on this host (--data-dir, KGC_SUPPORT_DATA_DIR or
DATABASE_URL), its settings, its environment file and its journal (journalctl -u kgc-support).
Every value known to be secret (secrets.env, secret settings, URL passwords) and anything
shaped like one (PASSWORD, SECRET, TOKEN or KEY variables, kgc_ and whsec_ keys, Bearer
tokens) reads <redacted>. A part that cannot be collected (Docker down, no daemon) is in
the bundle as its error. The file is mode 0600, written durably, never over another file.

Examples:
  $ kgc-support support-bundle --franchise budapest-1
  $ kgc-support support-bundle --franchise budapest-1 --output /tmp/bundle.tar.gz --json
  $ kgc-support support-bundle --data-dir /var/lib/kgc-support/daemon
  $ tar -tzf kgc-support-bundle-budapest-1-20261207T101500Z.tar.gz`,
    )
    .action(async (opts: BundleFlags, cmd: Command) => {
      const h = await import('./bundle.handler.js');
      await h.supportBundle(io, globalsOf(cmd), opts);
    });
}
