/**
 * A customer id is hostile until proven otherwise: it becomes a file name
 * (<root>/kgc-support/customers/<id>.json), a Redis MATCH pattern and a Chatwoot
 * search query. Only letters, digits, "-" and "_" pass, starting with a letter or a
 * digit: no "/", ".", "%", "*", "?", "[", ":", NUL or whitespace. Without ":" and "."
 * an id is always a whole segment of a Redis key or a file name, so one customer's
 * pattern can never match another customer's keys or files.
 */
import { KgcError } from '../errors/kgc-error.js';

export const CUSTOMER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const REASON_RE = /^[a-z][a-z0-9_]{0,39}$/;

/** What is wrong with the id, in words a person can act on. */
function problemOf(id: string): string {
  if (id.length === 0) return 'it is empty';
  if (id.length > 64) return `it is ${id.length} characters long (at most 64)`;
  if (id.includes('\u0000')) return 'it contains a NUL byte';
  if (/%[0-9A-Fa-f]{2}/.test(id)) return 'it contains a percent-encoded character (such as %2F)';
  if (id.includes('/') || id.includes('\\') || id.includes('..'))
    return 'it contains a path separator or ".."';
  if (/[*?[\]]/.test(id)) return 'it contains a wildcard (*, ? or [ ])';
  if (!/^[A-Za-z0-9]/.test(id)) return 'it must start with a letter or a digit';
  const bad = [...id].find((c) => !/[A-Za-z0-9_-]/.test(c)) ?? '';
  return `it contains ${JSON.stringify(bad)}`;
}

/** Returns the id when it is safe; throws invalid_customer_id otherwise (nothing has been touched yet). */
export function validateCustomerId(id: unknown): string {
  if (typeof id !== 'string')
    throw new KgcError('invalid_customer_id', 'the customer id must be a string');
  if (CUSTOMER_ID_RE.test(id)) return id;
  // JSON.stringify shows a NUL or a control character as an escape, never raw.
  throw new KgcError(
    'invalid_customer_id',
    `customer id ${JSON.stringify(id.slice(0, 80))} refused: ${problemOf(id)}; nothing was erased`,
  );
}

export function validateReason(reason: unknown): string {
  if (typeof reason === 'string' && REASON_RE.test(reason)) return reason;
  throw new KgcError(
    'invalid_reason',
    `reason ${JSON.stringify(String(reason).slice(0, 60))} refused: use a lower-case code such as user_request (letters, digits, "_")`,
  );
}
