/**
 * Hungarian phone numbers to E.164. Accepts what people type: 06 30 123 4567,
 * +36-30-123-4567, 36301234567, 0036 30 1234567, (06 1) 234-5678. Foreign numbers
 * in international form are accepted too. Anything that is not a valid number is
 * refused, so a lookup never runs on garbage.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { KgcError } from '../errors/kgc-error.js';

/**
 * Parsing with full metadata costs several microseconds; the chatbot asks about the
 * same few numbers again and again. Valid results are remembered (a pure function:
 * the memo cannot be stale), a bounded number of them.
 */
const memo = new Map<string, string>();
const MEMO_MAX = 10_000;

export function normalizePhone(input: string): string {
  const hit = memo.get(input);
  if (hit !== undefined) return hit;
  const e164 = parseHungarian(input);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(input, e164);
  return e164;
}

function parseHungarian(input: string): string {
  const raw = input.trim();
  if (raw.length === 0 || raw.length > 40 || !/^[+\d\s().\-/]+$/.test(raw)) {
    throw new KgcError('invalid_phone', `"${raw.slice(0, 40)}" is not a phone number`);
  }
  let compact = raw.replace(/[\s().\-/]/g, '');
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  // 36301234567: the country code typed without its plus.
  else if (/^36\d{8,9}$/.test(compact)) compact = `+${compact}`;
  if (compact.indexOf('+', 1) !== -1)
    throw new KgcError('invalid_phone', `"${raw}" is not a phone number`);
  const parsed = parsePhoneNumberFromString(compact, 'HU');
  if (!parsed || !parsed.isValid()) {
    throw new KgcError('invalid_phone', `"${raw}" is not a valid phone number`);
  }
  return parsed.number;
}

/** Like normalizePhone, but undefined for empty input. */
export function normalizeOptionalPhone(input: string | undefined | null): string | undefined {
  if (input === undefined || input === null || input.trim() === '') return undefined;
  return normalizePhone(input);
}

/**
 * The parts every written form of an E.164 number is made of: the country code, the
 * national significant number and the trunk prefix dialled before it at home (06 in
 * Hungary, 0 elsewhere). The erasure searches for all the ways people write one number.
 */
export function phoneParts(e164: string): { countryCode: string; national: string; trunk: string } {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) throw new KgcError('invalid_phone', `"${e164}" is not a phone number`);
  const countryCode = String(parsed.countryCallingCode);
  return {
    countryCode,
    national: String(parsed.nationalNumber),
    trunk: countryCode === '36' ? '06' : '0',
  };
}

/** Drops what the memo remembers about these numbers (an erased customer's phone, in every form it was typed). */
export function forgetPhones(e164s: readonly string[]): number {
  const gone = new Set(e164s);
  let n = 0;
  for (const [typed, e164] of memo)
    if (gone.has(e164)) {
      memo.delete(typed);
      n++;
    }
  return n;
}
