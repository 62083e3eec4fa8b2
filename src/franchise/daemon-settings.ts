/**
 * franchise.yaml `daemon:`: the daemon's own settings (config/settings.ts) for an
 * installed franchise, by their environment variable, checked by the same parser the
 * daemon applies at start. Render passes them to the daemon's container. Left out: the
 * secrets (secrets.env holds them) and what render sets itself from the franchise
 * (ports, paths, URLs of the stack, the switch, the time zone, the erase mode, the
 * Redis prefixes), each with the field that sets it.
 */
import { Type } from '@sinclair/typebox';
import { SETTINGS } from '../config/settings.js';
import { KgcError } from '../errors/kgc-error.js';

/** The daemon settings render sets itself, and where each comes from (franchise.yaml or the stack). */
export const RENDER_OWNED_SETTINGS: Readonly<Record<string, string>> = {
  KGC_SUPPORT_DATA_DIR: 'the stack (a volume)',
  KGC_SUPPORT_ADMIN_SOCKET: "the stack (the franchise's run/ directory)",
  KGC_SUPPORT_HOST: 'the stack',
  KGC_SUPPORT_PORT: 'the stack (ports.daemon publishes it)',
  SUPPORT_MODULE_ENABLED: 'support.enabled',
  SUPPORT_API_URL: 'the stack (the chatbot service)',
  SUPPORT_CONTEXT_URL: 'the stack (the context manager service)',
  KGC_SUPPORT_TIMEZONE: 'timezone',
  SUPPORT_MEMORY_ROOT: "the stack (the chatbot's memory volume)",
  CHATWOOT_URL: 'the stack (the chatwoot-web service)',
  CHATWOOT_ACCOUNT_NUMBER: 'support.chatwoot_account_number',
  KGC_GDPR_ERASE_MODE: 'support.erase_mode',
  KGC_SUPPORT_CACHE_PREFIX: 'the franchise id (kgc-support:<id>:cache)',
  KGC_SUPPORT_QUEUE_PREFIX: 'the franchise id (kgc-support:<id>:queue)',
  KGC_SUPPORT_FRANCHISES_DIR: 'the host (a setting of the CLI, not of the daemon)',
  KGC_SUPPORT_COMPOSE: 'the host (a setting of the CLI, not of the daemon)',
};

type AnySetting = (typeof SETTINGS)[keyof typeof SETTINGS];

/** The settings franchise.yaml `daemon:` may give, by variable. */
export const DAEMON_SECTION_SETTINGS: ReadonlyMap<string, AnySetting> = new Map(
  Object.values(SETTINGS)
    .filter(
      (s: AnySetting) =>
        !('secret' in s && s.secret === true) &&
        !Object.prototype.hasOwnProperty.call(RENDER_OWNED_SETTINGS, s.env),
    )
    .map((s: AnySetting) => [s.env, s] as const),
);

const Value = (doc: string) =>
  Type.Union([Type.String(), Type.Number(), Type.Boolean()], { description: doc });

/** The TypeBox schema of `daemon:` (each setting's own line as its description). */
export const DaemonSectionSchema = Type.Object(
  Object.fromEntries(
    [...DAEMON_SECTION_SETTINGS].map(([env, s]) => [env, Type.Optional(Value(s.doc))]),
  ),
  {
    additionalProperties: false,
    description:
      "The daemon's settings (kgc-support config lists them), by environment variable, e.g. KGC_SUPPORT_RATE_LIMIT_PUBLISH: 500/s,burst=1000. Checked as the daemon checks them; secrets go in secrets.env, and what franchise.yaml sets elsewhere (ports, timezone, support.erase_mode, …) is not repeated here",
    examples: [{ KGC_SUPPORT_LOG_LEVEL: 'info', KGC_SUPPORT_EVENT_RETENTION: '30d' }],
  },
);

export type DaemonSection = Readonly<Record<string, string | number | boolean | undefined>>;

/** The values as the daemon's environment gets them. */
export function daemonSectionEnv(section: DaemonSection | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(section ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

/** What the daemon would refuse in `daemon:`, one line each ("daemon.X: …"). */
export function daemonSectionProblems(section: DaemonSection | undefined): string[] {
  const env = daemonSectionEnv(section);
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    const s = DAEMON_SECTION_SETTINGS.get(k);
    if (s === undefined) {
      const owned = RENDER_OWNED_SETTINGS[k];
      const secret = Object.values(SETTINGS).some((x: AnySetting) => x.env === k);
      out.push(
        `daemon.${k}: ${
          owned !== undefined
            ? `set by ${owned}, not here`
            : secret
              ? 'a secret: it never goes in franchise.yaml (secrets.env holds the ones the stack needs)'
              : 'not a setting of the daemon (kgc-support config lists them)'
        }`,
      );
      continue;
    }
    try {
      s.parse(v, env);
    } catch (err) {
      const msg = err instanceof KgcError ? err.message : String(err);
      out.push(`daemon.${k}: ${msg.startsWith(`${k}: `) ? msg.slice(k.length + 2) : msg}`);
    }
  }
  return out;
}
