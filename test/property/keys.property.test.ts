/**
 * API key parsing, for any key and any alteration: a generated key passes its
 * checksum; changing any one character (to any other), dropping, doubling or
 * swapping characters, or cutting it short never passes; and no string at all
 * makes the parser throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Random } from '../../src/context/clock.js';
import { checkKeyShape, KEY_LENGTH } from '../../src/formats/api-key.js';
import { generateKey } from '../../src/keys/key-format.js';
import { hostileString, runs } from './runs.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A Random that replays fast-check's bytes, so a failing key is shrunk and replayed. */
const seeded = (bytes: Uint8Array): Random => {
  let i = 0;
  const next = () => bytes[i++ % bytes.length] as number;
  return {
    bytes: (n) => Buffer.from(Array.from({ length: n }, next)),
    int: (max) => next() % max,
  };
};

const key = fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => generateKey(seeded(b)));

describe('API key checksum (property)', () => {
  it('every generated key has the documented shape and passes', () => {
    fc.assert(
      fc.property(key, (k) => {
        expect(k).toHaveLength(KEY_LENGTH);
        expect(checkKeyShape(k)).toBe('ok');
      }),
      runs(2000),
    );
  });

  it('any one character changed to any other fails (malformed or bad checksum)', () => {
    fc.assert(
      fc.property(
        key,
        fc.nat(),
        fc.oneof(
          fc.constantFrom(...ALPHABET),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        ),
        (k, at, c) => {
          const i = at % k.length;
          fc.pre(k[i] !== c);
          const altered = `${k.slice(0, i)}${c}${k.slice(i + 1)}`;
          expect(checkKeyShape(altered)).not.toBe('ok');
        },
      ),
      runs(4000),
    );
  });

  it('a dropped, doubled or swapped character, or a cut key, fails', () => {
    fc.assert(
      fc.property(key, fc.nat(), fc.constantFrom('drop', 'double', 'swap', 'cut'), (k, at, how) => {
        const i = at % (k.length - 1);
        const altered =
          how === 'drop'
            ? k.slice(0, i) + k.slice(i + 1)
            : how === 'double'
              ? k.slice(0, i + 1) + k.slice(i)
              : how === 'swap'
                ? k.slice(0, i) + k[i + 1] + k[i] + k.slice(i + 2)
                : k.slice(0, i);
        fc.pre(altered !== k);
        expect(checkKeyShape(altered)).not.toBe('ok');
      }),
      runs(2000),
    );
  });

  it('no string makes the parser throw; only real keys pass', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileString,
          fc.string().map((s) => `kgc_${s}`),
        ),
        (s) => {
          const shape = checkKeyShape(s);
          expect(['ok', 'malformed', 'bad_checksum']).toContain(shape);
          if (shape === 'ok') expect(s).toMatch(/^kgc_[0-9A-Za-z]{36}$/);
        },
      ),
      runs(2000),
    );
  });
});
