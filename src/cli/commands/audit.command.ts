import type { Command } from 'commander';
import { addTargetOptions, globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';

export function registerAuditCommands(program: Command, io: CliIO): void {
  addTargetOptions(program.command('audit'))
    .description(
      'read the audit log: one row per API call and per admin action (ids only, never keys or personal data)',
    )
    .option('--since <when>', 'a duration back from now (15m, 1h, 7d) or an ISO time', '24h')
    .option('--until <when>', 'a duration back from now or an ISO time')
    .option('--key <id>', 'only calls made with this key id')
    .option(
      '--route <route>',
      'only this route pattern or admin action (a prefix matches: /api/customers)',
    )
    .option('--kind <kind>', 'api, admin or notification (a webhook Support accepted)')
    .option(
      '--resource <id>',
      'only rows about this id: a worklog (M-2025-0123), order, rental, customer or event id',
    )
    .option('--status <code>', 'only this HTTP status', (v) => Number.parseInt(v, 10))
    .option(
      '--limit <n>',
      'at most this many rows (newest first)',
      (v) => Number.parseInt(v, 10),
      100,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support audit --since 1h
  $ kgc-support audit --key key_3hT9aZk2Qp --route /api/customers --json
  $ kgc-support audit --kind admin --since 30d
  $ kgc-support audit --resource M-2025-0123 --since 7d
  $ kgc-support audit --franchise budapest-1 --since 1h`,
    )
    .action(
      async (
        opts: {
          since: string;
          until?: string;
          key?: string;
          route?: string;
          kind?: string;
          resource?: string;
          status?: number;
          limit: number;
        },
        cmd: Command,
      ) => {
        const h = await import('./audit.handler.js');
        await h.audit(io, globalsOf(cmd), opts);
      },
    );
}
