/**
 * What identifies one customer in text we hold, and how to find and blank it: the
 * customer id as a whole word, every way people write their phone (+36 30 123 4567,
 * 06-30-1234567, 36301234567, 0036…), their full name (any letter case, also as a
 * JSON \u escape, as a Python receiver echoes it) and their e-mail address.
 *
 * One description, two regular expression flavours: JavaScript (to redact JSON and
 * text in place) and PostgreSQL's ARE (to find rows, and to verify that none is left,
 * in a query over every table). A test runs both over the same strings.
 */
import { normalizePhone, phoneParts } from '../erp/phone.js';

/** What erased text becomes. */
export const REDACTED = '[erased]';

export interface Needles {
  readonly customerId: string;
  /** E.164 numbers. */
  readonly phones: readonly string[];
  /** Full names (two words at least: a single word would match strangers). */
  readonly names: readonly string[];
  readonly emails: readonly string[];
}

type Flavor = 'js' | 'pg';

const SPACE: Record<Flavor, string> = { js: '\\s', pg: '[:space:]' };
/** What people put between the digits of a phone number. */
const sep = (f: Flavor) => `[${SPACE[f]}()./-]*`;
const escapeChar = (c: string) => (/[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c);

/** A letter in either case, and a non-ASCII one also as a JSON \u escape (hex digits in either case). */
function letter(c: string): string {
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  const cls = lower === upper ? escapeChar(c) : `[${lower}${upper}]`;
  const code = (ch: string) => ch.codePointAt(0) ?? 0;
  if (code(c) < 128) return cls;
  const escapes = [...new Set([lower, upper])].map(
    (ch) =>
      `\\\\u${code(ch)
        .toString(16)
        .padStart(4, '0')
        .replace(/[a-f]/g, (h) => `[${h}${h.toUpperCase()}]`)}`,
  );
  return `(?:${cls}|${escapes.join('|')})`;
}

function idPattern(id: string): string {
  const edge = '[A-Za-z0-9_-]';
  return `(?<!${edge})${[...id].map(escapeChar).join('')}(?!${edge})`;
}

function phonePattern(e164: string, f: Flavor): string {
  const { countryCode, national, trunk } = phoneParts(e164);
  const s = sep(f);
  const digits = (d: string) => [...d].join(s);
  const prefix = `(?:(?:\\+|00)${s}${digits(countryCode)}|${digits(countryCode)}|${digits(trunk)})${s}`;
  return `(?<![0-9])(?:${prefix})?${digits(national)}(?![0-9])`;
}

function namePattern(name: string, f: Flavor): string {
  const edge = f === 'js' ? '[\\p{L}\\p{N}]' : '[[:alnum:]]';
  const words = name.trim().split(/\s+/);
  return `(?<!${edge})${words.map((w) => [...w].map(letter).join('')).join(`[${SPACE[f]}]+`)}(?!${edge})`;
}

function emailPattern(email: string): string {
  return `(?<![A-Za-z0-9._%+-])${[...email].map(letter).join('')}(?![A-Za-z0-9-]|\\.[A-Za-z0-9])`;
}

/** One pattern that matches any of the needles, in the flavour asked for. */
export function needlePattern(n: Needles, f: Flavor): string {
  const parts = [
    idPattern(n.customerId),
    ...n.phones.map((p) => phonePattern(p, f)),
    ...n.names.map((x) => namePattern(x, f)),
    ...n.emails.map((e) => emailPattern(e)),
  ];
  return `(?:${parts.join('|')})`;
}

export function needleRegExp(n: Needles): RegExp {
  return new RegExp(needlePattern(n, 'js'), 'gu');
}

/**
 * The needles of one customer from what we know of them: phones as E.164 (an invalid
 * one is left out: it cannot be told apart from other digits), names of two words or
 * more, e-mails lower-cased, each once.
 */
export function needlesOf(
  customerId: string,
  known: {
    phones?: Iterable<string | null>;
    names?: Iterable<string | null>;
    emails?: Iterable<string | null>;
  },
): Needles {
  const phones = new Set<string>();
  for (const p of known.phones ?? []) {
    if (!p) continue;
    try {
      phones.add(normalizePhone(p));
    } catch {
      // not a phone number: nothing to search for
    }
  }
  const names = new Set<string>();
  for (const x of known.names ?? []) {
    const t = x?.trim().replace(/\s+/g, ' ');
    if (t && t.split(' ').length >= 2 && t !== REDACTED) names.add(t);
  }
  const emails = new Set<string>();
  for (const e of known.emails ?? []) if (e && e.includes('@')) emails.add(e.trim().toLowerCase());
  return { customerId, phones: [...phones], names: [...names], emails: [...emails] };
}

/** Whether the text names the customer. */
export function mentions(text: string, re: RegExp): boolean {
  re.lastIndex = 0;
  const hit = re.test(text);
  re.lastIndex = 0;
  return hit;
}

export function redactText(text: string, re: RegExp): string {
  re.lastIndex = 0;
  return text.replace(re, REDACTED);
}

/** Every string (and object key) of a JSON value with the needles blanked; the shape stays. */
export function redactJson(value: unknown, re: RegExp): unknown {
  if (typeof value === 'string') return redactText(value, re);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, re));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redactText(k, re), redactJson(v, re)]),
    );
  return value;
}

/** Every string field of each `customer` object that is about `customerId` blanked, whatever it holds. */
export function redactCustomerObjects(value: unknown, customerId: string): unknown {
  if (Array.isArray(value)) return value.map((v) => redactCustomerObjects(v, customerId));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const c = v as { id?: unknown } | null;
    out[k] =
      k === 'customer' && c !== null && typeof c === 'object' && c.id === customerId
        ? Object.fromEntries(
            Object.entries(c).map(([f, x]) => [f, typeof x === 'string' ? REDACTED : x]),
          )
        : redactCustomerObjects(v, customerId);
  }
  return out;
}
