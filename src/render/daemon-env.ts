/**
 * The daemon container's environment exactly as the container sees it, and its check
 * with the daemon's own start-time validation (checkDaemonEnv). `init`, `render` and
 * `doctor` all go through here, so what they accept the daemon accepts. Pure.
 */
import { parse } from 'yaml';
import { checkDaemonEnv } from '../config/daemon-env-check.js';
import type { Franchise } from '../franchise/franchise.schema.js';
import { parseEnv } from './env-format.js';
import { ENV_SOURCES, supportProjectOf } from './model.js';
import { isSecretName, SECRET_SPECS, SECRETS_FILE } from './secrets.js';

export const DAEMON_SERVICE = 'kgc-support';

type Vars = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

const isMap = (v: Vars): v is ReadonlyMap<string, string> => v instanceof Map;
const get = (vars: Vars, k: string): string | undefined => (isMap(vars) ? vars.get(k) : vars[k]);

/**
 * One value as compose interpolates it: `$$` is a `$`; `${VAR}`, `${VAR:-x}`, `${VAR-x}`
 * and `$VAR` take the variable's value (unset: empty, or the default).
 */
export function interpolate(value: string, vars: Vars): string {
  return value.replace(
    /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      m,
      dollar: string,
      braced: string | undefined,
      op: string | undefined,
      dflt: string | undefined,
      bare: string | undefined,
    ) => {
      if (dollar === '$') return '$';
      const name = braced ?? bare;
      if (name === undefined) return m;
      const v = get(vars, name);
      if (op === ':-') return v === undefined || v === '' ? (dflt ?? '') : v;
      if (op === '-') return v === undefined ? (dflt ?? '') : v;
      return v ?? '';
    },
  );
}

/** A service's `environment:` of a compose text, uninterpolated (map or KEY=VALUE list). */
export function environmentBlock(composeText: string, service: string): Record<string, string> {
  const doc = parse(composeText) as { services?: Record<string, { environment?: unknown }> } | null;
  const env = doc?.services?.[service]?.environment;
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const item of env as unknown[]) {
      const s = String(item);
      const eq = s.indexOf('=');
      if (eq > 0) out[s.slice(0, eq)] = s.slice(eq + 1);
    }
  } else if (env !== null && typeof env === 'object') {
    for (const [k, v] of Object.entries(env))
      out[k] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

/** The environment a service's container gets: its block with the .env values substituted. */
export function containerEnvironment(
  composeText: string,
  service: string,
  vars: Vars,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environmentBlock(composeText, service)).map(([k, v]) => [
      k,
      interpolate(v, vars),
    ]),
  );
}

/** The rendered files of the support project that start the daemon. */
export interface DaemonFiles {
  readonly composeText: string;
  readonly envText: string;
}

/** Those files among rendered ones (or undefined when they are not there). */
export function daemonFilesOf(
  f: Franchise,
  files: readonly { path: string; content: string }[],
): DaemonFiles | undefined {
  const p = supportProjectOf(f);
  const compose = files.find((x) => x.path === p.composeFile)?.content;
  const env = files.find((x) => x.path === p.envFile)?.content;
  return compose === undefined || env === undefined
    ? undefined
    : { composeText: compose, envText: env };
}

export function daemonEnvironment(d: DaemonFiles): Record<string, string> {
  return containerEnvironment(d.composeText, DAEMON_SERVICE, parseEnv(d.envText));
}

/** A value the daemon would refuse, with where it comes from and how to fix it. */
export interface DaemonEnvFinding {
  readonly variable: string;
  readonly message: string;
  /** "franchise.yaml support.chatwoot_account_number", "secrets.env line SUPPORT_WEBHOOK_SECRET", … */
  readonly source: string;
  readonly fix: string;
}

function sourceOf(f: Franchise, raw: string | undefined): { source: string; fix: string } {
  const render = `kgc-support render --franchise ${f.id}`;
  const ref = raw === undefined ? undefined : /\$\{([A-Za-z_][A-Za-z0-9_]*)/.exec(raw)?.[1];
  if (ref !== undefined && isSecretName(ref)) {
    const generated = 'generate' in SECRET_SPECS[ref];
    return {
      source: `${SECRETS_FILE} line ${ref}`,
      fix: generated
        ? `delete the ${ref} line of ${SECRETS_FILE} so that render generates a valid one (or correct it), then ${render}`
        : `correct the ${ref} line of ${SECRETS_FILE}, then ${render}`,
    };
  }
  const field =
    ref === undefined
      ? undefined
      : f.daemon !== undefined && Object.prototype.hasOwnProperty.call(f.daemon, ref)
        ? `franchise.yaml daemon.${ref}`
        : ENV_SOURCES[ref];
  if (field !== undefined)
    return {
      source: field,
      fix: `change ${field.replace(/^franchise\.yaml /, '')} in franchise.yaml, then ${render}`,
    };
  return {
    source: 'compose/kgc-support.yml (the building block render uses)',
    fix: 'the template is wrong: report it with this message',
  };
}

/** What the daemon would refuse in `env`, each with its source in the franchise. */
export function daemonEnvFindings(f: Franchise, d: DaemonFiles): DaemonEnvFinding[] {
  const block = environmentBlock(d.composeText, DAEMON_SERVICE);
  return checkDaemonEnv(daemonEnvironment(d)).map((p) => ({
    variable: p.variable,
    message: p.message.startsWith(`${p.variable}: `)
      ? p.message.slice(p.variable.length + 2)
      : p.message,
    ...sourceOf(f, block[p.variable]),
  }));
}

export function describeFinding(x: DaemonEnvFinding): string {
  return `${x.variable}: ${x.message} (from ${x.source}; fix: ${x.fix})`;
}
