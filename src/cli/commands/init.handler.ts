import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cryptoRandom } from '../../context/clock.js';
import { KgcError } from '../../errors/kgc-error.js';
import {
  DEFAULT_BIND_ADDRESS,
  PORT_KEYS,
  type Franchise,
  type ImageKey,
  type PortKey,
  type Ports,
} from '../../franchise/franchise.schema.js';
import {
  FRANCHISE_FILE,
  franchiseDir,
  loadAllFranchises,
  saveFranchise,
} from '../../franchise/franchise.store.js';
import {
  idProblem,
  newFranchise,
  parseImageSpec,
  parseLayout,
  type InitAnswers,
} from '../../franchise/new-franchise.js';
import { choosePorts, isPortFree } from '../../franchise/ports.js';
import { encodeEnvValue } from '../../render/env-format.js';
import { applyErpSqlCommand, erpDatabaseProblem } from '../../render/erp-database.js';
import { ERP_SQL_FILE } from '../../render/model.js';
import { writeFiles } from '../../render/files.js';
import { renderFranchise } from '../../render/render.js';
import { assertDaemonAccepts, assertNoPortClash } from '../../render/render.service.js';
import { secretsOnDisk } from '../../render/secrets-on-disk.js';
import {
  completeSecrets,
  OPTIONAL_SECRETS,
  secretsFileText,
  SECRETS_FILE,
} from '../../render/secrets.js';
import { canPrompt, outputFor, type GlobalOptions } from '../globals.js';
import { rootOf, schemaFile, shippedTemplates } from '../installer-context.js';
import type { CliIO } from '../io.js';
import { table } from '../output.js';

export interface InitFlags {
  franchise?: string;
  name?: string;
  layout?: string;
  disabled?: boolean;
  chatwootAccountId?: string;
  chatwootAccountNumber?: string;
  erpDatabaseUrl?: string;
  knowledgeBasePath?: string;
  timezone?: string;
  bindAddress?: string;
  erpPort?: string;
  daemonPort?: string;
  chatbotPort?: string;
  contextPort?: string;
  chatwootPort?: string;
  image?: string[];
  calendarId?: string;
  calendarCredentials?: string;
  smsProvider?: string;
  smsSenderId?: string;
  dir?: string;
  force?: boolean;
}

const PORT_FLAGS: Readonly<Record<PortKey, keyof InitFlags>> = {
  erp_api: 'erpPort',
  daemon: 'daemonPort',
  chatbot: 'chatbotPort',
  context: 'contextPort',
  chatwoot: 'chatwootPort',
};

function missing(flag: string, what: string): never {
  throw new KgcError('usage', `${what} is needed and there is no terminal to ask on: pass ${flag}`);
}

function parsePort(flag: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535)
    throw new KgcError('usage', `--${flag} "${raw}": a port is a whole number from 1 to 65535`);
  return n;
}

/** The name as render will write it: a value no .env spelling keeps is refused with render's own message. */
export function nameProblem(name: string): string | undefined {
  try {
    encodeEnvValue('KGC_FRANCHISE_NAME', name);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function parseAccountNumber(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 2_147_483_647)
    throw new KgcError(
      'usage',
      `--chatwoot-account-number "${raw}": Chatwoot's numeric account id is a whole number from 1 (the <n> of /app/accounts/<n>/)`,
    );
  return n;
}

function checkTimezone(tz: string | undefined): void {
  if (tz === undefined) return;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
  } catch {
    throw new KgcError('usage', `--timezone "${tz}" is not a time zone (e.g. Europe/Budapest)`);
  }
}

/** Given ports win; the rest come from the first free set no other franchise uses. */
async function portsFor(o: InitFlags, others: readonly Franchise[], bind: string): Promise<Ports> {
  const given: Partial<Record<PortKey, number>> = {};
  for (const k of PORT_KEYS) {
    const raw = o[PORT_FLAGS[k]];
    if (typeof raw === 'string')
      given[k] = parsePort(
        PORT_FLAGS[k].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
        raw,
      );
  }
  if (PORT_KEYS.every((k) => given[k] !== undefined)) return given as Ports;
  const taken = new Set([
    ...others.flatMap((f) => PORT_KEYS.map((k) => f.ports[k])),
    ...Object.values(given),
  ]);
  const chosen = await choosePorts(taken, (p) => isPortFree(p, bind));
  return { ...chosen, ...given };
}

/** Google Calendar and SMS from their flags: optional, but each needs its main flag. */
function optionalServices(o: InitFlags): Pick<InitAnswers, 'googleCalendar' | 'sms'> {
  if ((o.calendarId === undefined) !== (o.calendarCredentials === undefined)) {
    throw new KgcError(
      'usage',
      'Google Calendar needs both --calendar-id <id> and --calendar-credentials <file>',
    );
  }
  if (o.smsSenderId !== undefined && o.smsProvider === undefined)
    throw new KgcError('usage', '--sms-sender-id needs --sms-provider <name>');
  return {
    googleCalendar:
      o.calendarId !== undefined && o.calendarCredentials !== undefined
        ? { calendar_id: o.calendarId, credentials_file: o.calendarCredentials }
        : undefined,
    sms:
      o.smsProvider !== undefined
        ? {
            provider: o.smsProvider,
            ...(o.smsSenderId !== undefined ? { sender_id: o.smsSenderId } : {}),
          }
        : undefined,
  };
}

export async function init(io: CliIO, g: GlobalOptions, o: InitFlags): Promise<void> {
  const out = outputFor(io, g);
  const root = rootOf(io, g, o);
  const interactive = canPrompt(io, g);
  const ask = interactive ? await import('./init.prompts.js') : undefined;

  const id =
    o.franchise ??
    (ask ? await ask.askId(idProblem) : missing('--franchise <id>', 'the franchise id'));
  const bad = idProblem(id);
  if (bad) throw new KgcError('usage', `--franchise "${id}": ${bad}`);
  const dir = franchiseDir(root, id);
  const file = join(dir, FRANCHISE_FILE);
  if (existsSync(file) && !o.force) throw new KgcError('franchise_exists', `${file} exists`);

  const name =
    o.name ??
    (ask ? await ask.askName(nameProblem) : missing('--name <name>', 'the franchise name'));
  const badName = nameProblem(name);
  if (badName) throw new KgcError('unportable_value', badName);
  checkTimezone(o.timezone);
  const accountNumber = parseAccountNumber(o.chatwootAccountNumber);
  const others = loadAllFranchises(root)
    .map((r) => r.franchise)
    .filter((f) => f.id !== id);
  const images: Partial<Record<ImageKey, { image?: string; tag?: string }>> = {};
  for (const spec of o.image ?? []) {
    const { key, ...ref } = parseImageSpec(spec);
    images[key] = { ...images[key], ...ref };
  }
  const franchise = newFranchise(
    {
      ...optionalServices(o),
      id,
      name,
      images,
      layout: o.layout === undefined ? undefined : parseLayout(o.layout),
      enabled: o.disabled ? false : undefined,
      chatwootAccountId: o.chatwootAccountId,
      chatwootAccountNumber: accountNumber,
      knowledgeBasePath: o.knowledgeBasePath,
      timezone: o.timezone,
      bindAddress: o.bindAddress,
    },
    await portsFor(o, others, o.bindAddress ?? DEFAULT_BIND_ADDRESS),
  );
  assertNoPortClash(franchise, others);

  const ref = { id, dir, franchise };
  const known = secretsOnDisk(ref);
  // Given now (flag, then environment) it replaces a kept one: it is the admin's, not generated.
  let erpUrl = o.erpDatabaseUrl ?? io.env.ERP_DATABASE_URL ?? '';
  if (erpUrl === '') erpUrl = known.get('ERP_DATABASE_URL') ?? '';
  if (erpUrl === '')
    erpUrl = ask
      ? await ask.askErpDatabaseUrl(erpDatabaseProblem)
      : missing('--erp-database-url <url> (or set ERP_DATABASE_URL)', "the ERP's database URL");
  const badUrl = erpDatabaseProblem(erpUrl);
  if (badUrl) throw new KgcError('usage', `--erp-database-url: ${badUrl}`);
  let gemini = io.env.GEMINI_API_KEY ?? '';
  if (ask && gemini === '' && !known.get('GEMINI_API_KEY')) gemini = await ask.askGeminiKey();

  // Everything the daemon will get is checked the way it checks it, before anything is written.
  const kept = new Map([...known].filter(([k]) => k !== 'ERP_DATABASE_URL'));
  const { secrets, generated } = completeSecrets(kept, cryptoRandom, {
    GEMINI_API_KEY: gemini,
    ERP_DATABASE_URL: erpUrl,
    OPENAI_API_KEY: io.env.OPENAI_API_KEY ?? '',
    SMS_API_KEY: io.env.SMS_API_KEY ?? '',
  });
  assertDaemonAccepts(franchise, renderFranchise(franchise, secrets, shippedTemplates()));

  if (ask && !(await ask.askConfirm(`Write ${file}?`))) {
    out.info('Nothing written.');
    io.exitCode = 1;
    return;
  }

  saveFranchise(dir, franchise, schemaFile());
  writeFiles(dir, [
    { path: SECRETS_FILE, content: secretsFileText(secrets), mode: 0o600, secret: true },
  ]);

  const result = {
    franchise: id,
    dir,
    file,
    layout: franchise.layout,
    support_enabled: franchise.support.enabled,
    ports: franchise.ports,
    secrets_generated: generated,
    secrets_missing: Object.entries(secrets)
      .filter(([k, v]) => v === '' && !(OPTIONAL_SECRETS as string[]).includes(k))
      .map(([k]) => k),
    // The DBA's step sits between render (which writes the file) and up (whose daemon logs in with it).
    next: [
      `kgc-support render --franchise ${id}`,
      applyErpSqlCommand(join(dir, ERP_SQL_FILE), erpUrl),
      `kgc-support up --franchise ${id}`,
    ],
  };
  out.result(result, () =>
    [
      `${out.style.green('✔')} Franchise ${out.style.bold(id)} written to ${file}`,
      `  layout ${franchise.layout}, Support ${franchise.support.enabled ? 'enabled' : 'disabled'}; secrets in ${join(dir, SECRETS_FILE)} (0600)`,
      '',
      table(
        ['PORT', 'SERVICE'],
        PORT_KEYS.map((k) => [String(franchise.ports[k]), k]),
        out.style,
      ),
      ...(result.secrets_missing.length > 0
        ? [
            '',
            out.style.dim(`To fill in later in secrets.env: ${result.secrets_missing.join(', ')}`),
          ]
        : []),
      '',
      'Next:',
      ...result.next.map((c) =>
        c.startsWith('psql ') ? `  $ ${c}   (the ERP's DBA, after render)` : `  $ ${c}`,
      ),
    ].join('\n'),
  );
}
