/**
 * Webhook verification, for any event: what the signer signs verifies (both
 * schemes, any of the secrets of a rotation), and any change to the body, the
 * timestamp, the id or a signature is rejected, as is a secret not among the signers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSigner, verifyWebhook } from '../../src/webhooks/signature.js';
import { runs } from './runs.js';

const NOW_SEC = 1_800_000_000;
const now = () => NOW_SEC * 1000;

const secret = fc
  .uint8Array({ minLength: 24, maxLength: 64 })
  .map((b) => `whsec_${Buffer.from(b).toString('base64')}`);
const id = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
/** A body is bytes on the wire: strings that UTF-8 can carry (no lone surrogate). */
const wellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s;
const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 200 }).filter(wellFormed),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
);
const ts = fc.integer({ min: NOW_SEC - 299, max: NOW_SEC + 299 });
const signed = fc.record({
  secrets: fc.array(secret, { minLength: 1, maxLength: 3 }),
  id,
  body,
  ts,
});

/** One character of `s` changed, or one added or dropped: a different string. */
const alter = (s: string, at: number, c: string, how: number): string => {
  const i = s.length === 0 ? 0 : at % s.length;
  const out =
    how % 3 === 0
      ? s.slice(0, i) + c + s.slice(i + 1)
      : how % 3 === 1
        ? s.slice(0, i) + c + s.slice(i)
        : s.slice(0, i) + s.slice(i + 1);
  return out === s ? `${s}${c}` : out;
};
const edit = fc.tuple(
  fc.nat(),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter(wellFormed),
  fc.nat(),
);

const verify = (
  h: Record<string, string>,
  b: string,
  secrets: readonly string[],
  scheme: 'standard' | 'kgc',
) => verifyWebhook(h, b, secrets, { now, scheme });

describe('webhook signatures (property)', () => {
  it('verifies what it signed, with each scheme and with any secret of the rotation', () => {
    fc.assert(
      fc.property(signed, fc.nat(), ({ secrets, id: i, body: b, ts: t }, pick) => {
        const h = createSigner(secrets).headers(i, b, t);
        const one = secrets[pick % secrets.length] as string;
        expect(verify(h, b, [one], 'standard')).toMatchObject({ ok: true, scheme: 'standard' });
        // X-KGC-Signature is made with the newest secret only.
        expect(verify(h, b, [secrets[0] as string], 'kgc')).toMatchObject({ ok: true });
      }),
      runs(600),
    );
  });

  it('rejects any change to the body, the timestamp, the id or a signature', () => {
    fc.assert(
      fc.property(
        signed,
        fc.constantFrom('body', 'timestamp', 'id', 'signature'),
        edit,
        ({ secrets, id: i, body: b, ts: t }, what, [at, c, how]) => {
          const h = createSigner(secrets).headers(i, b, t);
          let body2 = b;
          const h2 = { ...h };
          if (what === 'body') body2 = alter(b, at, c, how);
          // Cutting a surrogate pair in two makes a string no wire carries.
          fc.pre(wellFormed(body2));
          if (what === 'timestamp') {
            const t2 = t + 1 + (at % 200);
            h2['webhook-timestamp'] = String(t2);
            h2['x-kgc-timestamp'] = String(t2);
          }
          if (what === 'id') h2['webhook-id'] = alter(i, at, c, how);
          if (what === 'signature') {
            h2['webhook-signature'] = alter(h['webhook-signature'] as string, at, c, how);
            h2['x-kgc-signature'] = alter(h['x-kgc-signature'] as string, at, c, how);
          }
          const standard = verify(h2, body2, secrets, 'standard');
          // A changed signature may drop every v1 entry, or leave another secret's entry intact.
          if (what === 'signature') {
            const entries = (h2['webhook-signature'] as string).split(' ');
            const untouched = (h['webhook-signature'] as string)
              .split(' ')
              .filter((e) => entries.includes(e));
            if (untouched.length === 0) expect(standard.ok).toBe(false);
          } else expect(standard.ok).toBe(false);
          // The X-KGC scheme signs no id: only the body, timestamp and its signature count.
          if (what !== 'id') expect(verify(h2, body2, secrets, 'kgc').ok).toBe(false);
        },
      ),
      runs(1500),
    );
  });

  it('rejects a secret that did not sign, and a timestamp beyond five minutes', () => {
    fc.assert(
      fc.property(
        signed,
        secret,
        fc.integer({ min: 301, max: 100_000 }),
        fc.boolean(),
        (s, other, off, late) => {
          fc.pre(!s.secrets.includes(other));
          const h = createSigner(s.secrets).headers(s.id, s.body, s.ts);
          expect(verifyWebhook(h, s.body, [other], { now }).ok).toBe(false);
          const far = NOW_SEC + (late ? off : -off);
          const old = createSigner(s.secrets).headers(s.id, s.body, far);
          expect(verifyWebhook(old, s.body, s.secrets, { now })).toEqual({
            ok: false,
            reason: 'timestamp_out_of_tolerance',
          });
        },
      ),
      runs(600),
    );
  });
});
