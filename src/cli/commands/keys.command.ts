import { Option, type Command } from 'commander';
import { SCOPES } from '../../keys/scopes.js';
import type { CliIO } from '../io.js';
import type { InstallerRotateFlags } from './keys-rotate.handler.js';
import { addTargetOptions, globalsOf } from '../globals.js';

const collect = (value: string, prev: string[] = []) => [...prev, value];

/** --scope with its values from the one list of scopes: the help and the completion show them. */
const scopeOption = () =>
  new Option('--scope <scope>', 'what the key may do (repeat or comma-separate)')
    .choices(SCOPES)
    .argParser(collect)
    .makeOptionMandatory();

export function registerKeysCommands(program: Command, io: CliIO): void {
  const keys = program
    .command('keys')
    .description('issue, list, rotate and revoke API keys for the Support system');

  keys
    .command('create')
    .description('issue an API key; it is printed once and stored only as a hash')
    .requiredOption('--name <name>', 'who the key is for, e.g. "koko-chatbot"')
    .addOption(scopeOption())
    .option('--expires-in <duration>', 'lifetime: 30d, 90d, 12h', '90d')
    .option(
      '--rate-limit <rate>',
      "this key's rate limit, e.g. 50/s or 100/s,burst=200 (default: its scopes' default, KGC_SUPPORT_RATE_LIMIT[_PUBLISH|_GDPR])",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support keys create --name koko-chatbot --scope support:read --scope support:appointments
  $ kgc-support keys create --franchise budapest-1 --name koko-chatbot --scope support:read
  $ kgc-support keys create --name erp-backend --scope erp:publish --expires-in 365d --json | jq -r .api_key`,
    )
    .action(
      async (
        opts: { name: string; scope: string[]; expiresIn: string; rateLimit?: string },
        cmd: Command,
      ) => {
        const h = await import('./keys.handler.js');
        await h.keysCreate(io, globalsOf(cmd), opts);
      },
    );

  keys
    .command('list')
    .description('list keys (active and in their rotation grace period; --all for every key)')
    .option('--all', 'include revoked and expired keys')
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support keys list
  $ kgc-support keys list --all --json`,
    )
    .action(async (opts: { all?: boolean }, cmd: Command) => {
      const h = await import('./keys.handler.js');
      await h.keysList(io, globalsOf(cmd), opts);
    });

  keys
    .command('show <id>')
    .description('show one key')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const h = await import('./keys.handler.js');
      await h.keysShow(io, globalsOf(cmd), id);
    });

  keys
    .command('rotate [key]')
    .description(
      "issue a successor for a key (by id); the old key keeps working for a grace period. With --franchise and chatbot, context, erp or gdpr (none named: all four), one of the installer's keys end to end: the new key goes into secrets.env, render, only its consumer's container is recreated and confirmed to use it, then the old key is revoked; rolled back when the consumer does not come back",
    )
    .option(
      '--grace <duration>',
      'how long the old key stays valid (capped at its own expiry); an installer key is revoked as soon as its consumer is confirmed',
      '24h',
    )
    .option(
      '--timeout <duration>',
      'installer keys: how long the recreated consumer may take to be healthy and confirmed before the rotation rolls back',
      '3m',
    )
    .option(
      '--expiring-within <duration>',
      'installer keys: only those that expire within this window or are no longer active (for cron)',
    )
    .option('--dry-run', 'installer keys: say what would be done, change nothing')
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support keys rotate key_3hT9aZk2Qp --grace 24h
  $ NEW=$(kgc-support keys rotate key_3hT9aZk2Qp --json | jq -r .api_key)
  $ kgc-support keys rotate chatbot --franchise budapest-1            (KGC_API_KEY, support-chatbot)
  $ kgc-support keys rotate erp --franchise budapest-1 --dry-run      (KGC_SUPPORT_PUBLISH_KEY, kgc-api)
  $ kgc-support keys rotate gdpr --franchise budapest-1               (KGC_SUPPORT_GDPR_KEY, kgc-api)
  $ kgc-support keys rotate --franchise budapest-1 --expiring-within 14d --json   (cron: the due ones)`,
    )
    .action(async (key: string | undefined, opts: InstallerRotateFlags, cmd: Command) => {
      const g = globalsOf(cmd);
      if (key === undefined || !key.startsWith('key_')) {
        const h = await import('./keys-rotate.handler.js');
        await h.rotateInstalled(io, g, key, opts);
        return;
      }
      const h = await import('./keys.handler.js');
      await h.keysRotate(io, g, key, opts);
    });

  keys
    .command('revoke <id>')
    .description('revoke a key at once (a running daemon refuses it from the next request)')
    .addHelpText(
      'after',
      `
Example:
  $ kgc-support keys revoke key_3hT9aZk2Qp`,
    )
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const h = await import('./keys.handler.js');
      await h.keysRevoke(io, globalsOf(cmd), id);
    });

  keys
    .command('expiring')
    .description('keys that expire within a window (for cron: prints nothing when none)')
    .option('--within <duration>', 'window', '14d')
    .addHelpText(
      'after',
      `
Example (crontab, mails the list when there is one):
  0 8 * * *  kgc-support keys expiring --franchise budapest-1 --within 14d`,
    )
    .action(async (opts: { within: string }, cmd: Command) => {
      const h = await import('./keys.handler.js');
      await h.keysExpiring(io, globalsOf(cmd), opts);
    });

  keys
    .command('import')
    .description(
      'register a key made elsewhere, e.g. the KGC_API_KEY the installer rendered; the key is read from stdin, only its hash is kept',
    )
    .requiredOption('--name <name>', 'who the key is for')
    .addOption(scopeOption())
    .option('--expires-in <duration>', 'lifetime', '90d')
    .option(
      '--rate-limit <rate>',
      "the key's rate limit, e.g. 500/s,burst=1000, or default; on a key already known, its new rate",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ grep ^KGC_API_KEY= /var/lib/kgc-support/franchises/bp/secrets.env | cut -d= -f2- | kgc-support keys import --franchise bp --name koko-chatbot --scope support:read
  $ printenv ERP_KEY | kgc-support keys import --name erp --scope erp:publish --rate-limit 1000/s,burst=2000`,
    )
    .action(
      async (
        opts: { name: string; scope: string[]; expiresIn: string; rateLimit?: string },
        cmd: Command,
      ) => {
        const h = await import('./keys.handler.js');
        await h.keysImport(io, globalsOf(cmd), opts);
      },
    );

  keys
    .command('update <id>')
    .description("change a key's rate limit; a running daemon applies it from the next request")
    .requiredOption(
      '--rate-limit <rate>',
      "e.g. 500/s, 6000/min, 500/s,burst=1000; default: follow the key's scopes' default",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support keys update key_3hT9aZk2Qp --rate-limit 1000/s,burst=2000
  $ kgc-support keys update key_3hT9aZk2Qp --rate-limit default --json`,
    )
    .action(async (id: string, opts: { rateLimit: string }, cmd: Command) => {
      const h = await import('./keys.handler.js');
      await h.keysUpdate(io, globalsOf(cmd), id, opts);
    });
  keys.commands.forEach(addTargetOptions);
}
