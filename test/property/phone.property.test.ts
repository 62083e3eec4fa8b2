/**
 * Phone normalisation, for any input: a valid number comes out as E.164 whatever the
 * spacing and prefix it was typed with, and normalising is idempotent; anything else
 * is refused with `invalid_phone` (never another error, never a crash).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../src/erp/phone.js';
import { KgcError } from '../../src/errors/kgc-error.js';
import { hostileString, runs } from './runs.js';

/** A Hungarian mobile number's national part: 20, 30, 31, 50 or 70 and seven digits. */
const mobile = fc
  .tuple(fc.constantFrom('20', '30', '31', '50', '70'), fc.stringMatching(/^[1-9]\d{6}$/))
  .map(([area, rest]) => `${area}${rest}`);

/** How people type the national part: with a trunk or country prefix, spaces, dashes, slashes, brackets. */
const typed = fc
  .tuple(
    mobile,
    fc.constantFrom('06', '+36', '0036', '36', '+36 ', '06 '),
    fc.array(fc.constantFrom(' ', '-', '/', '.'), { minLength: 0, maxLength: 3 }),
    fc.boolean(),
  )
  .map(([national, prefix, seps, brackets]) => {
    const area = national.slice(0, 2);
    const rest = national.slice(2);
    const sep = (i: number) => seps[i % Math.max(1, seps.length)] ?? '';
    const head = brackets ? `(${prefix}${area})` : `${prefix}${sep(0)}${area}`;
    return { text: `${head}${sep(1)}${rest.slice(0, 3)}${sep(2)}${rest.slice(3)}`, national };
  });

/** The E.164 form, or the word 'refused'. */
function refusedOrE164(input: string): string {
  try {
    return normalizePhone(input);
  } catch (err) {
    expect(err).toBeInstanceOf(KgcError);
    expect((err as KgcError).code).toBe('invalid_phone');
    return 'refused';
  }
}

describe('phone normalisation (property)', () => {
  it('a mobile number typed any usual way comes out as +36 and its national part', () => {
    fc.assert(
      fc.property(typed, ({ text, national }) => {
        expect(normalizePhone(text)).toBe(`+36${national}`);
        expect(normalizePhone(`  ${text}\t`)).toBe(`+36${national}`);
      }),
      runs(2000),
    );
  });

  it('any string is either E.164 (and stays so when normalised again) or refused as invalid_phone', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileString,
          typed.map((t) => t.text),
          fc.stringMatching(/^[+\d\s()./-]{0,45}$/),
        ),
        (input) => {
          const out = refusedOrE164(input);
          if (out !== 'refused') {
            expect(out).toMatch(/^\+[1-9]\d{6,14}$/);
            expect(normalizePhone(out)).toBe(out);
          }
        },
      ),
      runs(3000),
    );
  });

  it('a number with a letter, a second plus or too many digits is refused', () => {
    fc.assert(
      fc.property(
        typed,
        fc.oneof(fc.constantFrom('a', 'x', 'O', 'l', '+', '#', '*'), fc.stringMatching(/^\d{10}$/)),
        fc.nat(),
        ({ text }, junk, at) => {
          // After the first digit: a plus before it can still be a valid "+36…" ("(+36 20)…").
          const first = text.search(/\d/);
          const i = first + 1 + (at % (text.length - first));
          expect(refusedOrE164(`${text.slice(0, i)}${junk}${text.slice(i)}`)).toBe('refused');
        },
      ),
      runs(1000),
    );
  });
});
