/**
 * Everything the daemon refuses at start, as a list: every setting's parse (all of
 * them, not the first failure) and the start-time format checks of the values it
 * imports (the webhook secret, the two API keys). `serve` runs it before it opens
 * anything; `init`, `render --check` and `doctor` run it over the environment the
 * container will get, so a value the daemon would refuse is refused there first.
 *
 * Cheap to import: no database, no HTTP. The formats it checks (formats/api-key,
 * formats/webhook-secret) are the ones the key verifier and the signer use.
 */
import { checkKeyShape } from '../formats/api-key.js';
import { standardKey } from '../formats/webhook-secret.js';
import { parseConfig, type ConfigOverrides } from './config.js';
import { SETTINGS, type Config } from './settings.js';

export interface DaemonEnvProblem {
  readonly variable: string;
  readonly message: string;
}

/** The imported API keys, each with what it is for (the message names it). */
const KEY_SETTINGS = [
  ['inboundApiKey', 'KGC_API_KEY'],
  ['contextApiKey', 'KGC_CONTEXT_API_KEY'],
  ['publishApiKey', 'KGC_SUPPORT_PUBLISH_KEY'],
  ['gdprApiKey', 'KGC_SUPPORT_GDPR_KEY'],
] as const;

type Imported = Pick<
  Config,
  'supportWebhookSecret' | 'inboundApiKey' | 'contextApiKey' | 'publishApiKey' | 'gdprApiKey'
>;

/** The start-time checks of the imported values (the daemon runs them over its parsed configuration). */
export function checkDaemonConfig(config: Imported): DaemonEnvProblem[] {
  const problems: DaemonEnvProblem[] = [];
  if (config.supportWebhookSecret !== undefined) {
    try {
      standardKey(config.supportWebhookSecret);
    } catch (err) {
      problems.push({
        variable: 'SUPPORT_WEBHOOK_SECRET',
        message: `${(err as Error).message}; use whsec_ + base64 of 24 to 64 random bytes (kgc-support render generates one)`,
      });
    }
  }
  for (const [key, variable] of KEY_SETTINGS) {
    const value = config[key];
    if (value === undefined) continue;
    const shape = checkKeyShape(value.trim());
    if (shape === 'malformed')
      problems.push({
        variable,
        message: 'is not a kgc_ API key (kgc_ and 36 letters and digits)',
      });
    if (shape === 'bad_checksum')
      problems.push({
        variable,
        message: "the key's checksum does not match: it was mistyped or truncated",
      });
  }
  return problems;
}

/** Every problem the daemon would refuse to start with, given this environment (and flags). */
export function checkDaemonEnv(
  env: Readonly<Record<string, string | undefined>>,
  overrides: ConfigOverrides = {},
): DaemonEnvProblem[] {
  const { problems } = parseConfig({ ...env }, overrides);
  // These parse whatever else fails, so their format is checked even beside other problems.
  const imported: Imported = {
    supportWebhookSecret: SETTINGS.supportWebhookSecret.parse(env.SUPPORT_WEBHOOK_SECRET, {}),
    inboundApiKey: SETTINGS.inboundApiKey.parse(env.KGC_API_KEY, {}),
    contextApiKey: SETTINGS.contextApiKey.parse(env.KGC_CONTEXT_API_KEY, {}),
    publishApiKey: SETTINGS.publishApiKey.parse(env.KGC_SUPPORT_PUBLISH_KEY, {}),
    gdprApiKey: SETTINGS.gdprApiKey.parse(env.KGC_SUPPORT_GDPR_KEY, {}),
  };
  return [...problems, ...checkDaemonConfig(imported)];
}

/** The problems as one line each, for an error message or a log. */
export function describeProblems(problems: readonly DaemonEnvProblem[]): string {
  return problems.map((p) => `${p.variable}: ${p.message}`).join('\n');
}
