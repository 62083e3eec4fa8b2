/**
 * `render --diff`: what a render would change, as a unified diff with every secret
 * value replaced by a label. A secret that would change shows as a changed label, never
 * as its value.
 */
import { createTwoFilesPatch } from 'diff';
import { isSecretName, type Secrets } from './secrets.js';

/** Replaces secret values: on `KEY=` lines of secret names, and anywhere a known value appears. */
export function redact(text: string, labels: ReadonlyMap<string, string>, keyLabel: (key: string) => string): string {
  let out = text.replace(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm, (line, key: string, value: string) =>
    (isSecretName(key) && value !== '' ? `${key}=${keyLabel(key)}` : line));
  for (const [value, label] of labels) if (value.length >= 6) out = out.split(value).join(label);
  return out;
}

/**
 * The redacted diff of one file. `before` are the secret values the current files hold,
 * `after` those the render writes.
 */
export function redactedDiff(path: string, current: string | undefined, next: string, before: ReadonlyMap<string, string>, after: Secrets): string {
  const oldLabels = new Map<string, string>();
  const newLabels = new Map<string, string>();
  for (const [name, value] of before) oldLabels.set(value, `<secret ${name}>`);
  const newLabel = (name: string) => {
    const was = before.get(name);
    return was === undefined || was === after[name as keyof Secrets] ? `<secret ${name}>` : `<secret ${name}: new value>`;
  };
  for (const [name, value] of Object.entries(after)) if (value !== '') newLabels.set(value, newLabel(name));
  const a = current === undefined ? '' : redact(current, oldLabels, (k) => `<secret ${k}>`);
  const b = redact(next, newLabels, newLabel);
  return createTwoFilesPatch(current === undefined ? '/dev/null' : `a/${path}`, `b/${path}`, a, b, '', '', { context: 2 });
}
