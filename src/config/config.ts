import { KgcError } from '../errors/kgc-error.js';
import { SETTINGS, type Config, type ConfigKey } from './settings.js';

/** Values given on the command line; they win over the environment. */
export type ConfigOverrides = { readonly [K in ConfigKey]?: string | undefined };

/** One setting's problem: its environment variable and what is wrong with the value. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/**
 * Parses every setting and collects every problem (none stops at the first). The
 * overrides take their variable's place in the environment each parser sees, so a
 * default derived from another setting (the admin socket from the data directory)
 * follows the flag too.
 */
export function parseConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigOverrides = {},
): { config: Config | undefined; problems: ConfigProblem[] } {
  const effective: NodeJS.ProcessEnv = { ...env };
  for (const [key, value] of Object.entries(overrides) as [ConfigKey, string | undefined][]) {
    if (value !== undefined) effective[SETTINGS[key].env] = value;
  }
  const out: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [key, setting] of Object.entries(SETTINGS) as [
    ConfigKey,
    (typeof SETTINGS)[ConfigKey],
  ][]) {
    try {
      out[key] = setting.parse(effective[setting.env], effective);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      problems.push({
        variable: setting.env,
        message: text.startsWith(`${setting.env}: `) ? text.slice(setting.env.length + 2) : text,
      });
    }
  }
  return { config: problems.length === 0 ? (out as Config) : undefined, problems };
}

/**
 * Builds the configuration from the environment and command-line overrides.
 * Every problem is reported at once, and nothing is started with a bad value.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigOverrides = {},
): Config {
  const { config, problems } = parseConfig(env, overrides);
  if (!config)
    throw new KgcError(
      'invalid_config',
      problems.map((p) => `${p.variable}: ${p.message}`).join('; '),
    );
  return config;
}

/** The effective configuration with secrets masked, for `kgc-support config` and logs. */
export function describeConfig(
  config: Config,
): { key: string; env: string; value: string; doc: string }[] {
  return (Object.entries(SETTINGS) as [ConfigKey, (typeof SETTINGS)[ConfigKey]][]).map(
    ([key, s]) => {
      const v = config[key];
      const show =
        'show' in s && typeof s.show === 'function'
          ? (s.show as (x: unknown) => string)
          : undefined;
      let value =
        v === undefined
          ? ''
          : show
            ? show(v)
            : typeof v === 'object'
              ? 'text' in v
                ? String(v.text)
                : JSON.stringify(v)
              : String(v);
      if ('secret' in s && s.secret && typeof v === 'string') value = redactUrl(v);
      return { key, env: s.env, value, doc: s.doc };
    },
  );
}

/**
 * A query parameter that carries a secret: libpq reads `?password=` and `?sslpassword=`
 * (the client key's passphrase) as well as the userinfo; Redis clients read `?password=`.
 */
const SECRET_PARAM = /pass(word)?$|secret|token|^key$/i;

/** postgres://user:pw@host/db?sslpassword=x → postgres://user:***@host/db?sslpassword=*** */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    // Only the values are replaced, in place: the rest of the query stays as written.
    if (u.search) {
      u.search = u.search
        .slice(1)
        .split('&')
        .map((pair) => {
          const eq = pair.indexOf('=');
          if (eq < 0) return pair;
          let name = pair.slice(0, eq);
          try {
            name = decodeURIComponent(name.replace(/\+/g, ' '));
          } catch {
            /* shown as written */
          }
          return SECRET_PARAM.test(name) && eq < pair.length - 1
            ? `${pair.slice(0, eq)}=***`
            : pair;
        })
        .join('&');
    }
    return u.toString();
  } catch {
    return '***';
  }
}
