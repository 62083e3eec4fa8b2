import type { Command } from 'commander';
import { addTargetOptions, globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';

export function registerGdprCommands(program: Command, io: CliIO): void {
  const gdpr = program
    .command('gdpr')
    .description(
      'erase a customer from every system the Support module touches, provably and resumably',
    );

  gdpr
    .command('delete <customer-id>')
    .description(
      'erase a customer: the ERP record, the customer.deleted webhook, the memory file, the Chatwoot contact, the Redis keys',
    )
    .requiredOption(
      '--reason <code>',
      'why, as a code kept in the receipt: user_request, retention_expired, legal_obligation …',
    )
    .option('--dry-run', 'list what would be erased in each system; touch nothing')
    .addHelpText(
      'after',
      `
The request is recorded before anything is deleted; each step is verified after it runs.
Asks for confirmation on a terminal; elsewhere (scripts, --json) pass --yes.
Exit code 0 when every step is verified; 1 when the request is partial or failed
(it is kept: see gdpr status, continue with gdpr resume).

Examples:
  $ kgc-support gdpr delete C-123 --reason user_request --dry-run
  $ kgc-support gdpr delete C-123 --reason user_request
  $ kgc-support gdpr delete C-123 --reason user_request --franchise budapest-1
  $ kgc-support gdpr delete C-123 --reason user_request --yes --json | jq -r .request_id`,
    )
    .action(
      async (customerId: string, opts: { reason: string; dryRun?: boolean }, cmd: Command) => {
        const h = await import('./gdpr.handler.js');
        await h.gdprDelete(io, globalsOf(cmd), customerId, opts);
      },
    );

  gdpr
    .command('status [request-id]')
    .description('erasure requests and their steps (the newest first), or one request')
    .option('--customer <customer-id>', 'the requests for this customer (found by its keyed hash)')
    .option('--state <state>', 'received, running, completed, partial or failed')
    .option('--limit <n>', 'at most this many requests', (v) => Number(v), 50)
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support gdpr status
  $ kgc-support gdpr status --state partial
  $ kgc-support gdpr status gdpr_4f1c2a9b7e3d5a6c8b0e --json
  $ kgc-support gdpr status --customer C-123`,
    )
    .action(
      async (
        requestId: string | undefined,
        opts: { customer?: string; state?: string; limit: number },
        cmd: Command,
      ) => {
        const h = await import('./gdpr.handler.js');
        await h.gdprStatus(io, globalsOf(cmd), requestId, opts);
      },
    );

  gdpr
    .command('resume <request-id>')
    .description(
      'continue a partial or failed request from its first unfinished step (finished steps never run again)',
    )
    .addHelpText(
      'after',
      `
Example:
  $ kgc-support gdpr resume gdpr_4f1c2a9b7e3d5a6c8b0e`,
    )
    .action(async (requestId: string, _opts: unknown, cmd: Command) => {
      const h = await import('./gdpr.handler.js');
      await h.gdprResume(io, globalsOf(cmd), requestId);
    });

  gdpr
    .command('receipt <request-id>')
    .description(
      'the proof of an erasure: ids, times, per-step outcomes and counts, the customer as a keyed hash; no personal data',
    )
    .addHelpText(
      'after',
      `
Example:
  $ kgc-support gdpr receipt gdpr_4f1c2a9b7e3d5a6c8b0e --json > receipt.json`,
    )
    .action(async (requestId: string, _opts: unknown, cmd: Command) => {
      const h = await import('./gdpr.handler.js');
      await h.gdprReceipt(io, globalsOf(cmd), requestId);
    });
  gdpr
    .command('export <customer-id>')
    .description(
      'everything held about a customer (GDPR art. 15 access request): the ERP rows, the events sent to Support and its answers, the memory file, the Chatwoot contact, the Redis keys; as one JSON document',
    )
    .option('--output <file>', 'write the document there (mode 0600; an existing file is refused)')
    .addHelpText(
      'after',
      `
The document holds the customer's personal data: give it to them, keep no copy.
The audit log records the export by the customer's keyed hash, never by the id.
Exit code 0 when every system was read; 1 when one could not be (the document says which).

Examples:
  $ kgc-support gdpr export C-123 --output C-123-export.json
  $ kgc-support gdpr export C-123 --franchise budapest-1 --json > C-123-export.json`,
    )
    .action(async (customerId: string, opts: { output?: string }, cmd: Command) => {
      const h = await import('./gdpr.handler.js');
      await h.gdprExport(io, globalsOf(cmd), customerId, opts);
    });
  gdpr.commands.forEach(addTargetOptions);
}
