/**
 * The shape of an API key: `kgc_` + 30 base62 characters of randomness (178 bits) + a
 * 6-character base62 CRC32 of that random part. The prefix makes a leaked key
 * recognisable by secret scanners; the checksum rejects a typo or a truncated copy
 * before any database lookup. Pure (no randomness, no store): the daemon's start-time
 * check reads it as well as the key verifier. Minting a key is keys/key-format.ts.
 */
import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const KEY_PREFIX = 'kgc_';
export const KEY_RANDOM_LEN = 30;
const CHECK_LEN = 6;
export const KEY_LENGTH = KEY_PREFIX.length + KEY_RANDOM_LEN + CHECK_LEN;
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_RE = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${KEY_RANDOM_LEN + CHECK_LEN}}$`);

function base62Fixed(n: number, width: number): string {
  let s = '';
  let v = n;
  for (let i = 0; i < width; i++) {
    s = BASE62[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s;
}

export function checksumOf(randomPart: string): string {
  return base62Fixed(crc32(randomPart) >>> 0, CHECK_LEN);
}

export type KeyShape = 'ok' | 'malformed' | 'bad_checksum';

/** Checks the shape and the checksum only: no lookup, constant work. */
export function checkKeyShape(key: string): KeyShape {
  if (!KEY_RE.test(key)) return 'malformed';
  const body = key.slice(KEY_PREFIX.length, KEY_PREFIX.length + KEY_RANDOM_LEN);
  return checksumOf(body) === key.slice(KEY_PREFIX.length + KEY_RANDOM_LEN) ? 'ok' : 'bad_checksum';
}

/** SHA-256 hex; the one-shot hash() is a third of createHash()'s cost on the hot path. */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** What is shown of a key after creation: enough to recognise it, never enough to use it. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 8);
}
