/**
 * Redaction for what leaves the host in a support bundle. Two nets, so that a secret
 * this code has never heard of is caught as well as the ones it knows:
 * - every value known to be a secret (a franchise's secrets.env, secret settings, the
 *   password of a URL in the environment) is replaced wherever it appears, logs included;
 * - by shape: the value of any key whose name says secret (PASSWORD, SECRET, TOKEN, KEY,
 *   CREDENTIAL, …) in env, YAML, JSON and `name=value` text; a URL's password and
 *   secret query parameters; API keys (`kgc_…`, `sk_…`), webhook secrets (`whsec_…`),
 *   `Bearer` credentials and PEM private keys.
 * Over-redacting is the accepted cost: a bundle may hide a harmless value, never a secret.
 */

import { SETTINGS } from '../config/settings.js';

export const REDACTED = '<redacted>';

/** A key name that says its value is secret: …PASSWORD…, …SECRET…, …TOKEN…, a KEY word (API_KEY, apiKey, x-api-key), … */
const SECRET_NAME =
  /pass(word|wd|phrase)?|pwd|secret|token|credential|private|cookie|session|salt|signature|auth(?!ors?\b)|(^|[^a-z])key($|[^a-z])|[a-z]Key([A-Z\d_]|$)/i;

/**
 * Names that look secret and are not: the settings the settings table does not mark
 * secret (KGC_SUPPORT_HEALTH_KEY_EXPIRY is a duration), and the shell's working directory.
 */
const NOT_SECRET = new Set([
  ...Object.values(SETTINGS)
    .filter((s) => !('secret' in s && s.secret))
    .map((s) => s.env),
  'PWD',
  'OLDPWD',
]);

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.has(name);
}

/** A value not worth hiding: empty, or already hidden. */
function bare(value: string): boolean {
  const t = value
    .trim()
    .replace(/,$/, '')
    .replace(/^["']|["']$/g, '');
  return t === '' || t === REDACTED || /^\*+$/.test(t) || t === 'null' || t === '~';
}

const ENV_LINE = /^(\s*(?:-\s+)?(?:export\s+)?["']?)([A-Za-z_][\w.-]*)(["']?\s*=\s*)(.*)$/;
const YAML_LINE = /^(\s*(?:-\s+)?["']?)([A-Za-z_][\w.-]*)(["']?\s*:[ \t]+)(\S.*)$/;
const BLOCK_SCALAR = /^[|>][-+]?\d*\s*(#.*)?$/;
const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * env, ini, compose and YAML lines: `NAME=value`, `- NAME=value`, `name: value`, and the
 * lines of a YAML block scalar (`key: |`) under a secret name.
 */
function byLines(text: string): string {
  const lines = text.split('\n');
  let block = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (block >= 0) {
      if (line.trim() === '') continue;
      if (indentOf(line) > block) {
        lines[i] = `${' '.repeat(indentOf(line))}${REDACTED}`;
        continue;
      }
      block = -1;
    }
    const env = ENV_LINE.exec(line);
    if (env && isSecretName(env[2] as string) && !bare(env[4] as string)) {
      lines[i] = `${env[1]}${env[2]}${env[3]}${REDACTED}`;
      continue;
    }
    const yaml = YAML_LINE.exec(line);
    if (yaml && isSecretName(yaml[2] as string)) {
      const value = yaml[4] as string;
      if (BLOCK_SCALAR.test(value)) block = indentOf(line);
      else if (!bare(value)) lines[i] = `${yaml[1]}${yaml[2]}${yaml[3]}${REDACTED}`;
    }
  }
  return lines.join('\n');
}

const SHAPES: readonly ((text: string) => string)[] = [
  // PEM private keys, whole blocks.
  (t) =>
    t.replace(
      /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g,
      `-----BEGIN $1PRIVATE KEY-----${REDACTED}-----END $1PRIVATE KEY-----`,
    ),
  // JSON text (log lines): "name": "value".
  (t) =>
    t.replace(
      /"((?:[^"\\]|\\.)*)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g,
      (all, name: string, colon: string, value: string) =>
        isSecretName(name) && !bare(value) ? `"${name}"${colon}"${REDACTED}"` : all,
    ),
  byLines,
  // name=value inside a line (libpq conninfo, query strings, log lines).
  (t) =>
    t.replace(
      /(^|[\s?&;,(])([A-Za-z_][\w.-]*)=([^\s&;,'")]+)/gm,
      (all, pre: string, name: string, value: string) =>
        isSecretName(name) && !bare(value) ? `${pre}${name}=${REDACTED}` : all,
    ),
  // The password of a URL: scheme://user:password@host.
  (t) =>
    t.replace(
      /\b([a-z][a-z\d+.-]*:\/\/[^\s:@/]*):([^\s@/]+)@/gi,
      (all, head: string, pw: string) => (bare(pw) ? all : `${head}:${REDACTED}@`),
    ),
  // Credentials by their format: API keys, webhook secrets, tokens of well-known services.
  (t) => t.replace(/\b(kgc|sk|whsec|xox[abp]|ghp|glpat)_[A-Za-z\d+/=_-]{8,}/g, `$1_${REDACTED}`),
  (t) => t.replace(/\b(Bearer|Basic|Token)\s+[A-Za-z\d+/=._~-]{8,}/g, `$1 ${REDACTED}`),
];

export interface Redactor {
  (text: string): string;
  /** How many known values it hides (for the bundle's manifest). */
  readonly known: number;
}

/** A known value as it may appear in text: as is, and URL-encoded (inside a URL). */
function formsOf(value: string): string[] {
  const encoded = encodeURIComponent(value);
  return encoded === value ? [value] : [value, encoded];
}

/**
 * A redactor for text that may hold `known` secret values anywhere, and secrets by shape.
 * Values shorter than 6 characters are left to the shape rules (a "1" is no secret to hunt).
 */
export function createRedactor(known: Iterable<string>): Redactor {
  const values = [...new Set([...known].filter((v) => v.length >= 6).flatMap(formsOf))].sort(
    (a, b) => b.length - a.length,
  );
  const fn = (text: string): string => {
    let out = text;
    for (const v of values) out = out.split(v).join(REDACTED);
    for (const shape of SHAPES) out = shape(out);
    return out;
  };
  return Object.assign(fn, { known: values.length });
}

/**
 * A JSON value with every string redacted as text, and the string value of any
 * secret-named key replaced whole: the result stays valid JSON.
 */
export function redactJson(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, redact));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      typeof v === 'string' && isSecretName(k) && !bare(v) ? REDACTED : redactJson(v, redact),
    ]),
  );
}

/** The secret values of an environment: those of secret-named variables, and URL passwords. */
export function secretValuesOf(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env).flatMap(([name, value]) => {
    if (value === undefined || value === '') return [];
    const found = isSecretName(name) ? [value] : [];
    for (const m of value.matchAll(/[a-z][a-z\d+.-]*:\/\/[^\s:@/]*:([^\s@/]+)@/gi)) {
      const pw = m[1] as string;
      found.push(pw);
      try {
        found.push(decodeURIComponent(pw));
      } catch {
        /* kept as written */
      }
    }
    return found;
  });
}
