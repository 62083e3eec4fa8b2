/**
 * Minting API keys and key ids from the injected random source. The shape a key
 * must have (prefix, length, checksum) is formats/api-key.ts.
 */
import type { Random } from '../context/clock.js';
import { BASE62, checksumOf, KEY_PREFIX, KEY_RANDOM_LEN } from '../formats/api-key.js';

/** Uniform base62 string (rejection sampling: no modulo bias). */
export function randomBase62(random: Random, length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random.bytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateKey(random: Random): string {
  const body = randomBase62(random, KEY_RANDOM_LEN);
  return `${KEY_PREFIX}${body}${checksumOf(body)}`;
}

export function newKeyId(random: Random): string {
  return `key_${randomBase62(random, 10)}`;
}
