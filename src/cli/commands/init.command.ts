import type { Command } from 'commander';
import { globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';
import type { InitFlags } from './init.handler.js';

const collect = (value: string, prev: string[] = []) => [...prev, value];

export function registerInitCommand(program: Command, io: CliIO): void {
  program
    .command('init')
    .description(
      'create a franchise: its franchise.yaml (a wizard on a terminal, or flags) and its secrets',
    )
    .option(
      '--franchise <id>',
      'franchise id: lowercase letters, digits, dashes (the compose project is kgc-<id>)',
    )
    .option('--name <name>', 'the franchise as customers see it (any characters)')
    .option('--layout <layout>', 'profiles (seed Option B, default) or separate (seed Option A)')
    .option(
      '--disabled',
      'install with the Support module switched off (SUPPORT_MODULE_ENABLED=false)',
    )
    .option(
      '--erp-database-url <url>',
      "the ERP's PostgreSQL as the daemon's container reaches it, with the daemon's read-only role (env ERP_DATABASE_URL; kept in secrets.env)",
    )
    .option(
      '--chatwoot-account-id <id>',
      "CHATWOOT_ACCOUNT_ID, the seed's account identifier for the chatbot (default kgc-<id>)",
    )
    .option(
      '--chatwoot-account-number <n>',
      "CHATWOOT_ACCOUNT_NUMBER, Chatwoot's numeric account id: the <n> of /app/accounts/<n>/ (default 1)",
    )
    .option(
      '--knowledge-base-path <path>',
      'KNOWLEDGE_BASE_PATH in the context manager (default /opt/chatwoot/knowledge-bases/kgc-<id>/)',
    )
    .option('--timezone <tz>', "the franchise's time zone (default Europe/Budapest)")
    .option('--bind-address <addr>', 'host address for the published ports (default 127.0.0.1)')
    .option(
      '--erp-port <port>',
      'host port of the ERP API (default: the first free set, 3000, 3100, …)',
    )
    .option('--daemon-port <port>', 'host port of the kgc-support daemon (default 3030, 3130, …)')
    .option('--chatbot-port <port>', 'host port of the chatbot (default 5001, 5101, …)')
    .option('--context-port <port>', 'host port of the context manager (default 5004, 5104, …)')
    .option('--chatwoot-port <port>', 'host port of Chatwoot (default 3080, 3180, …)')
    .option(
      '--image <key=image[:tag]>',
      'override an image: kgc-api, kgc-support, koko-chatbot, koko-context, chatwoot, postgres, redis (repeat)',
      collect,
    )
    .option(
      '--calendar-id <id>',
      'optional: GOOGLE_CALENDAR_ID, the Google Calendar the chatbot books appointments in (with --calendar-credentials)',
    )
    .option(
      '--calendar-credentials <file>',
      "optional: the Google service account's JSON key on this host (relative to the franchise directory), mounted read-only into the chatbot",
    )
    .option(
      '--sms-provider <name>',
      'optional: SMS_PROVIDER, the SMS gateway for notifications (its key: env SMS_API_KEY, kept in secrets.env)',
    )
    .option(
      '--sms-sender-id <id>',
      'optional: SMS_SENDER_ID, the sender name customers see (with --sms-provider)',
    )
    .option(
      '--dir <dir>',
      'the franchises directory (env KGC_SUPPORT_FRANCHISES_DIR; default /var/lib/kgc-support/franchises for root, else ~/.local/share/kgc-support/franchises)',
    )
    .option('--force', 'write franchise.yaml again although it exists (its secrets are kept)')
    .addHelpText(
      'after',
      `
Asks only what it cannot default (the id, the name, the ERP's database URL, an optional
Gemini API key) and only on a terminal; with --yes, --json or no terminal it never asks, and
a missing value is an error naming its flag. ERP_DATABASE_URL and GEMINI_API_KEY are read
from the environment when set, and so are the optional services' keys: OPENAI_API_KEY
(Whisper speech-to-text) and SMS_API_KEY (the SMS provider). It checks every value the way the daemon will, before it
writes anything.

Examples:
  $ kgc-support init
  $ kgc-support init --franchise budapest-1 --name "Kovács és Fia Kft." \
      --erp-database-url postgres://kgc_reader:secret@erp-db:5432/kgc --yes
  $ export ERP_DATABASE_URL=postgres://kgc_reader:secret@10.0.0.12:5432/kgc_pecs
  $ kgc-support init --franchise pecs --name "KGC Pécs" --layout separate --chatbot-port 5201 --json
  $ kgc-support init --franchise szeged --name "KGC Szeged" --image koko-chatbot=registry.local/koko-ai-chatbot:1.4.2 \
      --erp-database-url postgres://kgc_reader:secret@erp-db:5432/kgc --chatwoot-account-number 3
  $ SMS_API_KEY=… OPENAI_API_KEY=sk-… kgc-support init --franchise gyor --name "KGC Győr" --sms-provider twilio \
      --sms-sender-id KGC --calendar-id kgc-gyor@group.calendar.google.com --calendar-credentials google-credentials.json

Then: kgc-support render --franchise <id> && kgc-support up --franchise <id>`,
    )
    .action(async (opts: InitFlags, cmd: Command) => {
      const h = await import('./init.handler.js');
      await h.init(io, globalsOf(cmd), opts);
    });
}
