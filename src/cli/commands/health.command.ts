import type { Command } from 'commander';
import { globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';
import type { HealthFlags } from './health.handler.js';

export function registerHealthCommand(program: Command, io: CliIO): void {
  program
    .command('health')
    .description(
      'check the daemon, the Kokó chatbot and context manager, Chatwoot, Redis, the database, the containers, the DLQ, keys and the webhook secret',
    )
    .option(
      '--franchise <id>',
      "check this franchise: its daemon (admin socket in the franchise directory, else its published port) and its containers (env KGC_SUPPORT_FRANCHISE). Without it: the local daemon of --data-dir / KGC_SUPPORT_DATA_DIR / DATABASE_URL and the environment's settings; refused when franchises are installed and none of those is given",
    )
    .option(
      '--dir <dir>',
      'the franchises directory (env KGC_SUPPORT_FRANCHISES_DIR; default /var/lib/kgc-support/franchises for root, else ~/.local/share/kgc-support/franchises)',
    )
    .option('--format <format>', 'table, json (application/health+json; same as --json) or nagios')
    .option(
      '--timeout <duration>',
      'time limit of each check; the whole run ends within it plus 1 s (env KGC_SUPPORT_HEALTH_TIMEOUT, default 5s)',
    )
    .option(
      '--dlq <warn,crit>',
      'DLQ depth that warns, and that is critical (env KGC_SUPPORT_HEALTH_DLQ, default 1,100; "off")',
    )
    .option(
      '--pending-age <warn,crit>',
      'age of the oldest undelivered event (env KGC_SUPPORT_HEALTH_PENDING_AGE, default 15m,1h)',
    )
    .option(
      '--key-expiry <warn,crit>',
      'an API key expiring within this (env KGC_SUPPORT_HEALTH_KEY_EXPIRY, default 14d,3d)',
    )
    .option(
      '--secret-age <warn,crit>',
      'age of the webhook secret (env KGC_SUPPORT_HEALTH_SECRET_AGE, default 180d)',
    )
    .option('--watch <interval>', 'check again every interval, e.g. 10s (Ctrl-C to stop)')
    .addHelpText(
      'after',
      `
Every check runs at once with its own time limit. Exit codes: 0 pass (warnings are
printed but exit 0), 1 a check fails, 3 something could not be found out; with
--format nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. With --quiet a healthy run
prints nothing in the table format (for cron).

Examples:
  $ kgc-support health
  $ kgc-support health --franchise budapest-1 --format nagios
  $ kgc-support health --json | jq '.checks | to_entries[] | select(.value[].status != "pass")'
  $ kgc-support health --watch 10s
  */5 * * * *  kgc-support health --quiet --franchise budapest-1`,
    )
    .action(async (opts: HealthFlags, cmd: Command) => {
      const h = await import('./health.handler.js');
      await h.health(io, globalsOf(cmd), opts);
    });
}
