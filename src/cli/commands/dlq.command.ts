import type { Command } from 'commander';
import { addTargetOptions, globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';
import type { DlqFilterOptions } from './dlq.handler.js';

export function registerDlqCommands(program: Command, io: CliIO): void {
  const dlq = program
    .command('dlq')
    .description('the dead-letter queue: webhooks Support did not accept after every retry');

  dlq
    .command('list')
    .description('dead-lettered (and rejected) events, newest first')
    .option('--type <type>', 'only this event type, e.g. order.arrived')
    .option('--since <when>', 'published since: a duration back from now (1h, 7d) or an ISO time')
    .option('--until <when>', 'published before: a duration back from now or an ISO time')
    .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10), 100)
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support dlq list
  $ kgc-support dlq list --type order.arrived --since 24h --json
  $ kgc-support dlq list --franchise budapest-1`,
    )
    .action(
      async (
        opts: { type?: string; since?: string; until?: string; limit: number },
        cmd: Command,
      ) => {
        const h = await import('./dlq.handler.js');
        await h.dlqList(io, globalsOf(cmd), opts);
      },
    );

  dlq
    .command('show <id>')
    .description(
      'one event with every delivery attempt (status, duration, the start of the answer)',
    )
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const h = await import('./dlq.handler.js');
      await h.dlqShow(io, globalsOf(cmd), id);
    });

  const selectors = (c: Command) =>
    c
      .option('--type <type>', 'every dead event of this type')
      .option('--since <when>', 'published since (1h, 7d, or an ISO time)')
      .option('--until <when>', 'published before (a duration back, or an ISO time)')
      .option('--all', 'every dead-lettered event')
      .option('--dry-run', 'only say what would happen');

  selectors(
    dlq
      .command('replay [ids...]')
      .description(
        'send dead-lettered events again (same event id, the whole retry schedule ahead); delivered ones are skipped',
      ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support dlq replay evt_4f1c2a…
  $ kgc-support dlq replay --type order.arrived --since 2h --dry-run
  $ kgc-support dlq replay --all
Cron, after an outage window:
  */30 * * * *  kgc-support dlq replay --franchise budapest-1 --since 1h --quiet`,
    )
    .action(async (ids: string[], opts: DlqFilterOptions, cmd: Command) => {
      const h = await import('./dlq.handler.js');
      await h.dlqReplay(io, globalsOf(cmd), ids, opts);
    });

  selectors(
    dlq
      .command('purge [ids...]')
      .description('delete dead-lettered events and their attempts (asks first; --yes in scripts)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support dlq purge --until 30d
  $ kgc-support dlq purge --all --yes`,
    )
    .action(async (ids: string[], opts: DlqFilterOptions, cmd: Command) => {
      const h = await import('./dlq.handler.js');
      await h.dlqPurge(io, globalsOf(cmd), ids, opts);
    });
  dlq.commands.forEach(addTargetOptions);
}
