import { KgcError } from '../errors/kgc-error.js';
import { SETTINGS, type Config, type ConfigKey } from './settings.js';

/** Values given on the command line; they win over the environment. */
export type ConfigOverrides = { readonly [K in ConfigKey]?: string | undefined };

/**
 * Builds the configuration from the environment and command-line overrides.
 * Every problem is reported at once, and nothing is started with a bad value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(SETTINGS) as [ConfigKey, (typeof SETTINGS)[ConfigKey]][]) {
    const raw = overrides[key] ?? env[setting.env];
    try {
      out[key] = setting.parse(raw, env);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (problems.length > 0) throw new KgcError('invalid_config', problems.join('; '));
  return out as Config;
}

/** The effective configuration with secrets masked, for `kgc-support config` and logs. */
export function describeConfig(config: Config): { key: string; env: string; value: string; doc: string }[] {
  return (Object.entries(SETTINGS) as [ConfigKey, (typeof SETTINGS)[ConfigKey]][]).map(([key, s]) => {
    const v = config[key];
    const show = 'show' in s && typeof s.show === 'function' ? (s.show as (x: unknown) => string) : undefined;
    let value = v === undefined ? '' : show ? show(v) : typeof v === 'object' ? ('text' in v ? String(v.text) : JSON.stringify(v)) : String(v);
    if ('secret' in s && s.secret && typeof v === 'string') value = redactUrl(v);
    return { key, env: s.env, value, doc: s.doc };
  });
}

/** postgres://user:pw@host/db → postgres://user:***@host/db */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '***';
  }
}
