/**
 * A franchise's secrets. Generated once (crypto random) into <franchise>/secrets.env
 * (0600) and never overwritten: a re-render reads them back. A secrets file that was
 * lost is rebuilt from the rendered .env files, so a running installation keeps its
 * passwords. Some values only the admin can give (a Gemini key, a Chatwoot token): they
 * are kept when set and never generated.
 */
import { generateKey, randomBase62 } from '../keys/key-format.js';
import type { Random } from '../context/clock.js';
import { envLine, parseEnv } from './env-format.js';

export const SECRETS_FILE = 'secrets.env';

interface SecretSpec {
  readonly doc: string;
  /** Absent: the admin supplies it; it may stay empty. */
  readonly generate?: (random: Random) => string;
  /** For an optional service: empty is a choice, not something still to do. */
  readonly optional?: true;
}

export const SECRET_SPECS = {
  SUPPORT_API_KEY: {
    doc: "The ERP's key for calling the Support system (X-API-Key, seed 3.1)",
    generate: (r) => `sk_${randomBase62(r, 40)}`,
  },
  SUPPORT_WEBHOOK_SECRET: {
    doc: 'HMAC secret of the webhooks to Support (seed 8.1); Standard Webhooks format',
    generate: (r) => `whsec_${r.bytes(32).toString('base64')}`,
  },
  KGC_API_KEY: {
    doc: "The Kokó chatbot's key for the daemon's Pull API (a kgc_ key); rotate it with kgc-support keys rotate chatbot --franchise <id>",
    generate: (r) => generateKey(r),
  },
  KGC_CONTEXT_API_KEY: {
    doc: "The Kokó context manager's key for the daemon's Pull API (a kgc_ key, read only; the context manager gets it as KGC_API_KEY); rotate it with kgc-support keys rotate context --franchise <id>",
    generate: (r) => generateKey(r),
  },
  CHATWOOT_SECRET_KEY_BASE: {
    doc: "Chatwoot's Rails SECRET_KEY_BASE",
    generate: (r) => r.bytes(64).toString('hex'),
  },
  CHATWOOT_POSTGRES_PASSWORD: {
    doc: "Password of Chatwoot's PostgreSQL",
    generate: (r) => randomBase62(r, 32),
  },
  CHATWOOT_REDIS_PASSWORD: {
    doc: "Password of Chatwoot's Redis",
    generate: (r) => randomBase62(r, 32),
  },
  CHATWOOT_API_ACCESS_TOKEN: {
    doc: 'Chatwoot agent-bot token for the chatbot: create it in Chatwoot (Settings > Integrations > Bots), then paste it here',
  },
  GEMINI_API_KEY: { doc: 'Gemini API key of the context manager (seed 6.2)' },
  KGC_SUPPORT_DB_PASSWORD: {
    doc: "Password of the daemon's own PostgreSQL (service kgc-support-db): hex, safe inside DATABASE_URL",
    generate: (r) => r.bytes(24).toString('hex'),
  },
  KGC_SUPPORT_PUBLISH_KEY: {
    doc: "The ERP's erp:publish key for the daemon (a kgc_ key): kgc-api gets it as KGC_SUPPORT_API_KEY; rotate it with kgc-support keys rotate erp --franchise <id>",
    generate: (r) => generateKey(r),
  },
  KGC_SUPPORT_GDPR_KEY: {
    doc: "The ERP's erp:gdpr key for the daemon (a kgc_ key; DELETE /api/customers/{id}, access requests): kgc-api gets it as KGC_SUPPORT_GDPR_API_KEY; rotate it with kgc-support keys rotate gdpr --franchise <id>",
    generate: (r) => generateKey(r),
  },
  KGC_SUPPORT_REDIS_PASSWORD: {
    doc: "Password of the daemon's Redis (service kgc-support-redis: the read cache, the erasure's Redis step, the bullmq queue): hex, safe inside REDIS_URL",
    generate: (r) => r.bytes(24).toString('hex'),
  },
  OPENAI_API_KEY: {
    doc: "OpenAI API key for Whisper, the chatbot's speech-to-text of voice messages (seed 11.1); optional: empty leaves voice messages untranscribed",
    optional: true,
  },
  SMS_API_KEY: {
    doc: 'API key or token of the SMS provider (franchise.yaml support.sms.provider, seed 11.1); optional: empty sends no SMS',
    optional: true,
  },
  ERP_DATABASE_URL: {
    doc: "PostgreSQL URL of the ERP's database for the daemon (the read-only role of erp/kgc-support-erp.sql); required: render refuses without it. Not localhost: that is the container itself",
  },
} as const satisfies Record<string, SecretSpec>;

export type SecretName = keyof typeof SECRET_SPECS;
export type Secrets = Readonly<Record<SecretName, string>>;

export const SECRET_NAMES = Object.keys(SECRET_SPECS) as SecretName[];
export const GENERATED_SECRETS = SECRET_NAMES.filter((n) => 'generate' in SECRET_SPECS[n]);
/** Secrets only the admin can give and the stack needs (doctor asks for them). */
export const ADMIN_SECRETS = SECRET_NAMES.filter(
  (n) => !('generate' in SECRET_SPECS[n]) && !('optional' in SECRET_SPECS[n]),
);
/** Secrets of optional services: empty switches the service off. */
export const OPTIONAL_SECRETS = SECRET_NAMES.filter((n) => 'optional' in SECRET_SPECS[n]);

export function isSecretName(name: string): name is SecretName {
  return Object.prototype.hasOwnProperty.call(SECRET_SPECS, name);
}

/**
 * Completes what is known: kept values first (secrets.env, then the rendered .env
 * files), given ones for admin secrets that are still empty, and new random values for
 * generated secrets that are missing. `generated` names what was new.
 */
export function completeSecrets(
  known: ReadonlyMap<string, string>,
  random: Random,
  given: Partial<Record<SecretName, string>> = {},
): { secrets: Secrets; generated: SecretName[] } {
  const out = {} as Record<SecretName, string>;
  const generated: SecretName[] = [];
  for (const name of SECRET_NAMES) {
    const spec: SecretSpec = SECRET_SPECS[name];
    const kept = known.get(name);
    if (kept !== undefined && kept !== '') out[name] = kept;
    else if (given[name] !== undefined && given[name] !== '') out[name] = given[name];
    else if (spec.generate) {
      out[name] = spec.generate(random);
      generated.push(name);
    } else out[name] = '';
  }
  return { secrets: out, generated };
}

/** Secrets from the text of secrets.env and of rendered .env files (the first that has a value wins). */
export function knownSecrets(texts: readonly string[]): Map<string, string> {
  const known = new Map<string, string>();
  for (const text of texts) {
    for (const [k, v] of parseEnv(text))
      if (isSecretName(k) && v !== '' && !known.has(k)) known.set(k, v);
  }
  return known;
}

export function secretsFileText(secrets: Secrets): string {
  const lines = [
    '# Secrets of this franchise, generated once by kgc-support and kept across renders.',
    '# Mode 0600. Never commit or mail this file. Empty values are yours to fill in;',
    '# then run `kgc-support render` again.',
  ];
  for (const name of SECRET_NAMES) {
    lines.push('', `# ${SECRET_SPECS[name].doc}`, envLine(name, secrets[name]));
  }
  return `${lines.join('\n')}\n`;
}
