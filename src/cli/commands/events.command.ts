import type { Command } from 'commander';
import { addTargetOptions, globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';

export function registerEventsCommands(program: Command, io: CliIO): void {
  const events = program
    .command('events')
    .description("publish events for Support and look at one; the ERP's outbox table");

  events
    .command('publish')
    .description('publish an event (stored at once; the daemon delivers it as a signed webhook)')
    .requiredOption(
      '--type <type>',
      'rental.started, rental.ended, service.quote_ready, service.repair_done, order.arrived or customer.deleted',
    )
    .requiredOption('--data <json>', 'the payload: JSON, @file.json, or - for standard input')
    .option('--id <id>', 'your id for the event: publishing the same id again is a no-op')
    .option('--occurred-at <time>', 'when it happened (ISO 8601); default now')
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support events publish --type customer.deleted --data '{"customer_id":"C-123","gdpr_reason":"user_request"}'
  $ kgc-support events publish --type order.arrived --data @order.json --id erp-o-2025-0456 --json
  $ kgc-support events publish --franchise budapest-1 --type order.arrived --data @order.json`,
    )
    .action(
      async (
        opts: { type: string; data: string; id?: string; occurredAt?: string },
        cmd: Command,
      ) => {
        const h = await import('./events.handler.js');
        await h.eventsPublish(io, globalsOf(cmd), opts);
      },
    );

  events
    .command('show <id>')
    .description('one event: its status, its payload and every delivery attempt')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const h = await import('./dlq.handler.js');
      await h.dlqShow(io, globalsOf(cmd), id);
    });

  events
    .command('list')
    .description('the latest events and their delivery, newest first (no payloads)')
    .option('--status <status>', 'only pending, delivered, dead, skipped or rejected events')
    .option('--type <type>', 'only this event type, e.g. order.arrived')
    .option('--limit <n>', 'at most this many (1-1000)', (v) => Number.parseInt(v, 10), 50)
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support events list
  $ kgc-support events list --status skipped --limit 10 --json
  $ kgc-support events list --franchise budapest-1 --type order.arrived`,
    )
    .action(async (opts: { status?: string; type?: string; limit: number }, cmd: Command) => {
      const h = await import('./events.handler.js');
      await h.eventsList(io, globalsOf(cmd), opts);
    });

  events
    .command('stats')
    .description('queue depth, DLQ depth and the age of the oldest undelivered event')
    .action(async (_opts: unknown, cmd: Command) => {
      const h = await import('./events.handler.js');
      await h.eventsStats(io, globalsOf(cmd));
    });

  // Every events command but outbox-ddl (which only prints SQL) reads or changes a store.
  events.commands.forEach(addTargetOptions);

  events
    .command('outbox-ddl')
    .description('print the SQL that creates the outbox table in a separate ERP database')
    .addHelpText(
      'after',
      `
Example (when ERP_DATABASE_URL is not the daemon's database and its role may not create tables):
  $ kgc-support events outbox-ddl | psql "$ERP_DATABASE_URL"`,
    )
    .action(async () => {
      const { outboxDdl } = await import('../../events/outbox.js');
      io.writeOut(outboxDdl());
    });
}
