import { describe, expect, it } from 'vitest';
import {
  checkKeyShape,
  checksumOf,
  displayPrefix,
  hashKey,
  KEY_LENGTH,
} from '../../src/formats/api-key.js';
import { generateKey } from '../../src/keys/key-format.js';
import { cryptoRandom, type Random } from '../../src/context/clock.js';
import { keyStatus, validateScopes, type KeyRow } from '../../src/keys/keys.service.js';

describe('API key format', () => {
  it('generates kgc_ keys of fixed length with a valid checksum', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const k = generateKey(cryptoRandom);
      expect(k).toMatch(/^kgc_[0-9A-Za-z]{36}$/);
      expect(k).toHaveLength(KEY_LENGTH);
      expect(checkKeyShape(k)).toBe('ok');
      seen.add(k);
    }
    expect(seen.size).toBe(200);
  });

  it('pins the checksum of a known body (a change would invalidate every issued key)', () => {
    expect(checksumOf('abcdefghijklmnopqrstuvwxyzABCD')).toBe('4dNndU'); // zlib.crc32 in Python agrees;
  });

  it('catches every single-character typo and truncation before any lookup', () => {
    const k = generateKey(cryptoRandom);
    for (let i = 4; i < k.length; i++) {
      const ch = k[i] === 'x' ? 'y' : 'x';
      expect(checkKeyShape(k.slice(0, i) + ch + k.slice(i + 1))).not.toBe('ok');
    }
    expect(checkKeyShape(k.slice(0, -1))).toBe('malformed');
    expect(checkKeyShape(`${k}a`)).toBe('malformed');
    expect(checkKeyShape(k.replace('kgc_', 'kgd_'))).toBe('malformed');
  });

  it('draws base62 without modulo bias', () => {
    // A source that only ever gives 255 would bias a naive byte % 62; rejection sampling skips it.
    let n = 0;
    const skewed: Random = {
      bytes: (len) => Buffer.from(Array.from({ length: len }, () => (n++ % 2 === 0 ? 255 : 61))),
      int: () => 0,
    };
    expect(generateKey(skewed).slice(4, 34)).toBe('z'.repeat(30));
  });

  it('stores a hash and shows a prefix that cannot be used', () => {
    const k = generateKey(cryptoRandom);
    expect(hashKey(k)).toMatch(/^[0-9a-f]{64}$/);
    expect(displayPrefix(k)).toHaveLength(12);
    expect(checkKeyShape(displayPrefix(k))).toBe('malformed');
  });
});

describe('scopes and status', () => {
  it('accepts known scopes, comma-separated or repeated, and refuses the rest', () => {
    expect(validateScopes(['support:read,support:appointments', 'support:read'])).toEqual([
      'support:read',
      'support:appointments',
    ]);
    expect(() => validateScopes(['support:write'])).toThrowError(
      expect.objectContaining({ code: 'invalid_scope' }),
    );
    expect(() => validateScopes([' , '])).toThrowError(
      expect.objectContaining({ code: 'invalid_scope' }),
    );
  });

  it('derives the status from revocation, expiry and rotation', () => {
    const base = {
      revoked_at: null,
      rotated_to: null,
      expires_at: new Date(2000),
    } as unknown as KeyRow;
    expect(keyStatus(base, 1000)).toBe('active');
    expect(keyStatus({ ...base, rotated_to: 'key_x' }, 1000)).toBe('rotated');
    expect(keyStatus(base, 2000)).toBe('expired');
    expect(keyStatus({ ...base, revoked_at: new Date(500) }, 1000)).toBe('revoked');
  });
});
