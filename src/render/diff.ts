/**
 * `render --diff`: what a render would change, as a unified diff with every secret
 * value replaced by a label. The label says whether the value is the one render writes,
 * another one (someone changed it by hand) or a new one, so a changed secret shows as a
 * changed line without showing either value.
 */
import { createTwoFilesPatch } from 'diff';
import { isSecretName, SECRET_NAMES, type Secrets } from './secrets.js';

/**
 * An assignment line as a hand may write it: `KEY=value`, `KEY = value`,
 * `export KEY=value`, indented. Groups: the lead (`export `), the key, the separator
 * (` = `), the value. Every form a shell or dotenv reads must be recognised, or a
 * hand-edited secret would show in clear.
 */
const KEY_LINE = /^([ \t]*(?:export[ \t]+)?)([A-Za-z_][A-Za-z0-9_]*)([ \t]*=[ \t]*)(.*?)[ \t]*$/gm;

function urlPassword(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  try {
    const p = decodeURIComponent(new URL(value).password);
    return p === '' ? undefined : p;
  } catch {
    return undefined;
  }
}

/** Replaces secret values: whole values on assignment lines of secret names, and any known value elsewhere. */
export function redact(
  text: string,
  label: (key: string, encodedValue: string) => string,
  known: ReadonlyMap<string, string>,
): string {
  let out = text.replace(KEY_LINE, (line, lead: string, key: string, sep: string, value: string) =>
    isSecretName(key) && value !== '' ? `${lead}${key}${sep}${label(key, value)}` : line,
  );
  for (const [value, name] of known)
    if (value.length >= 6) out = out.split(value).join(`<secret ${name}>`);
  return out;
}

/**
 * The redacted diff of one file. `secrets` are the values the render writes,
 * `previous` those found on disk before it (absent: the render generates them),
 * `alsoOnDisk` every other secret value the files on disk hold (an older value in a .env
 * that secrets.env no longer has), so that neither the old nor the new value shows.
 */
export function redactedDiff(
  path: string,
  current: string | undefined,
  next: string,
  previous: ReadonlyMap<string, string>,
  secrets: Secrets,
  alsoOnDisk: readonly (readonly [string, string])[] = [],
): string {
  const known = new Map<string, string>();
  const onDisk = (name: string) => alsoOnDisk.filter(([k]) => k === name).map(([, v]) => v);
  for (const name of SECRET_NAMES) {
    const now = urlPassword(secrets[name]);
    for (const value of [secrets[name], previous.get(name), ...onDisk(name)]) {
      if (value === undefined || value === '') continue;
      if (!known.has(value)) known.set(value, name);
      // A URL's password also stands alone elsewhere (erp/kgc-support-erp.sql); an old one is told apart.
      const password = urlPassword(value);
      if (password !== undefined && !known.has(password))
        known.set(
          password,
          password === now ? `${name} password` : `${name} password: another value`,
        );
    }
  }
  // Values on key lines are compared as written (encoded), which is how both sides hold them.
  const written = new Map<string, string>();
  for (const m of next.matchAll(KEY_LINE)) written.set(m[2] as string, m[4] as string);
  const oldLabel = (key: string, value: string) =>
    value === written.get(key) ? `<secret ${key}>` : `<secret ${key}: another value>`;
  const newLabel = (key: string) =>
    previous.has(key) ? `<secret ${key}>` : `<secret ${key}: new>`;
  const a = current === undefined ? '' : redact(current, oldLabel, known);
  const b = redact(next, newLabel, known);
  return createTwoFilesPatch(
    current === undefined ? '/dev/null' : `a/${path}`,
    `b/${path}`,
    a,
    b,
    '',
    '',
    { context: 2 },
  );
}
