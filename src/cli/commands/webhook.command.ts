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
      'make a new webhook secret (shown once); the previous ones keep signing webhook-signature for a grace period',
    )
    .option(
      '--grace <duration>',
      'how long the previous secrets keep signing (0 for none, at most 30d)',
      '24h',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support secrets rotate-webhook --grace 24h
  $ kgc-support secrets rotate-webhook --franchise budapest-1
  $ NEW=$(kgc-support secrets rotate-webhook --json | jq -r .secret)
Then set SUPPORT_WEBHOOK_SECRET=<new secret> in the .env Support and the daemon share.`,
    )
    .action(async (opts: { grace: string }, cmd: Command) => {
      const h = await import('./webhook.handler.js');
      await h.secretsRotate(io, globalsOf(cmd), opts);
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
