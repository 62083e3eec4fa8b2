/**
 * Writing and reading .env files that docker compose v1 (python-dotenv) and v2
 * (compose-go) read alike. Pure functions.
 *
 * What the two parsers agree on (checked against their sources; v1 in CI):
 * - a bare value of [A-Za-z0-9_./:@+=,-] is itself;
 * - a single-quoted value without ' \ or a line break is literal in both ($ and # too;
 *   v1 expands only "${…}", which is refused below);
 * - a double-quoted value without $ reads \\ \" \n \r the same way in both;
 * - everything else ("${" anywhere, or a $ together with ' \ or a line break) has no
 *   spelling both read the same, so it is refused with `unportable_value`.
 */
import { KgcError } from '../errors/kgc-error.js';

const BARE = /^[A-Za-z0-9_./:@+=,-]*$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The value as it must be written after `KEY=`; throws for a value no spelling keeps. */
export function encodeEnvValue(key: string, value: string): string {
  if (value.includes('\0'))
    throw new KgcError(
      'unportable_value',
      `${key}: a NUL character cannot be stored in a .env file`,
    );
  if (value.includes('${'))
    throw new KgcError(
      'unportable_value',
      `${key}: "\${" would be expanded by docker-compose v1 whatever the quoting; remove it`,
    );
  if (BARE.test(value)) return value;
  if (!/['\\\r\n]/.test(value)) return `'${value}'`;
  if (!value.includes('$')) {
    const escaped = value
      .replace(/\\/g, '\\\\')
      .replace(/"/g, '\\"')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r');
    return `"${escaped}"`;
  }
  throw new KgcError(
    'unportable_value',
    `${key}: a "$" together with a quote, a backslash or a line break reads differently in docker compose v1 and v2`,
  );
}

export function envLine(key: string, value: string): string {
  if (!KEY.test(key))
    throw new KgcError('invalid_config', `"${key}" is not a valid environment variable name`);
  return `${key}=${encodeEnvValue(key, value)}`;
}

function decodeDoubleQuoted(body: string): string {
  return body.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/**
 * Reads what encodeEnvValue writes (and plain hand-written KEY=value lines): comments
 * and blank lines are skipped, unquoted values end at " #". Later keys win.
 */
export function parseEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re =
    /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(?:'([^']*)'|"((?:\\.|[^"\\])*)"|([^\r\n]*))[ \t]*(?:#[^\r\n]*)?$/gm;
  for (const m of text.matchAll(re)) {
    const key = m[1] as string;
    if (m[2] !== undefined) out.set(key, m[2]);
    else if (m[3] !== undefined) out.set(key, decodeDoubleQuoted(m[3]));
    else out.set(key, (m[4] ?? '').replace(/[ \t]+#.*$/, '').trim());
  }
  return out;
}
