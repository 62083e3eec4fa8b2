/**
 * API key format: `kgc_` + 30 base62 characters of randomness (178 bits) + a
 * 6-character base62 CRC32 of that random part. The prefix makes a leaked key
 * recognisable by secret scanners; the checksum rejects a typo or a truncated
 * copy before any database lookup.
 */
import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Random } from '../context/clock.js';

export const KEY_PREFIX = 'kgc_';
const RANDOM_LEN = 30;
const CHECK_LEN = 6;
export const KEY_LENGTH = KEY_PREFIX.length + RANDOM_LEN + CHECK_LEN;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_RE = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${RANDOM_LEN + CHECK_LEN}}$`);

/** Uniform base62 string (rejection sampling: no modulo bias). */
export function randomBase62(random: Random, length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random.bytes(length * 2)) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function base62Fixed(n: number, width: number): string {
  let s = '';
  let v = n;
  for (let i = 0; i < width; i++) {
    s = ALPHABET[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s;
}

export function checksumOf(randomPart: string): string {
  return base62Fixed(crc32(randomPart) >>> 0, CHECK_LEN);
}

export function generateKey(random: Random): string {
  const body = randomBase62(random, RANDOM_LEN);
  return `${KEY_PREFIX}${body}${checksumOf(body)}`;
}

export type KeyShape = 'ok' | 'malformed' | 'bad_checksum';

/** Checks the shape and the checksum only: no lookup, constant work. */
export function checkKeyShape(key: string): KeyShape {
  if (!KEY_RE.test(key)) return 'malformed';
  const body = key.slice(KEY_PREFIX.length, KEY_PREFIX.length + RANDOM_LEN);
  return checksumOf(body) === key.slice(KEY_PREFIX.length + RANDOM_LEN) ? 'ok' : 'bad_checksum';
}

/** SHA-256 hex; the one-shot hash() is a third of createHash()'s cost on the hot path. */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** What is shown of a key after creation: enough to recognise it, never enough to use it. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 8);
}

export function newKeyId(random: Random): string {
  return `key_${randomBase62(random, 10)}`;
}
