import type { Command } from 'commander';
import { addTargetOptions, globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';

export function registerWebhookCommands(program: Command, io: CliIO): void {
  const secrets = program
    .command('secrets')
    .description('the webhook signing secret shared with Support');

  secrets
    .command('rotate-webhook')
    .description(
      'make a new webhook secret (shown once): it signs webhook-signature at once and X-KGC-Signature once activated; the previous ones keep signing webhook-signature for a grace period after that',
    )
    .option(
      '--grace <duration>',
      'how long the previous secrets keep signing after the activation (0 for none, at most 30d)',
      '24h',
    )
    .option(
      '--activate-at <time>',
      'when X-KGC-Signature switches to the new secret: an ISO 8601 time, a duration from now (2h) or "now"; default: at secrets activate-webhook',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support secrets rotate-webhook --grace 24h
  $ kgc-support secrets rotate-webhook --activate-at 2026-12-08T06:00:00Z
  $ kgc-support secrets rotate-webhook --franchise budapest-1
  $ NEW=$(kgc-support secrets rotate-webhook --json | jq -r .secret)
Then set SUPPORT_WEBHOOK_SECRET=<new secret> in the .env Support and the daemon share,
restart Support, and run kgc-support secrets activate-webhook (docs/webhooks.md).`,
    )
    .action(async (opts: { grace: string; activateAt?: string }, cmd: Command) => {
      const h = await import('./webhook.handler.js');
      await h.secretsRotate(io, globalsOf(cmd), opts);
    });

  secrets
    .command('activate-webhook')
    .description(
      'the rotated (pending) webhook secret signs X-KGC-Signature from now; the previous ones keep signing webhook-signature for the grace',
    )
    .option('--id <id>', 'the pending secret to activate (default: the newest)')
    .option(
      '--grace <duration>',
      "how long the previous secrets keep signing (default: the rotation's --grace)",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support secrets activate-webhook
  $ kgc-support secrets activate-webhook --grace 1h --franchise budapest-1
Run it once Support runs with the new SUPPORT_WEBHOOK_SECRET; a delivery Support refuses
(401/403) meanwhile is retried, not dead-lettered.`,
    )
    .action(async (opts: { id?: string; grace?: string }, cmd: Command) => {
      const h = await import('./webhook.handler.js');
      await h.secretsActivate(io, globalsOf(cmd), opts);
    });

  secrets
    .command('list')
    .description('the webhook secrets: current, in grace, expired (never their values)')
    .action(async (_opts: unknown, cmd: Command) => {
      const h = await import('./webhook.handler.js');
      await h.secretsList(io, globalsOf(cmd));
    });

  secrets.commands.forEach(addTargetOptions);

  addTargetOptions(
    program.command('webhook').description('check the webhook path to Support').command('test'),
  )
    .description('send a signed "ping" event to Support now and show its answer')
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support webhook test
  $ kgc-support webhook test --json
  $ kgc-support webhook test --franchise budapest-1`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const h = await import('./webhook.handler.js');
      await h.webhookTest(io, globalsOf(cmd));
    });
}
