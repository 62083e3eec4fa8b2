/**
 * The needles of one customer: every written form of their phone, their id as a whole
 * word, their name (any case, JSON-escaped too) and e-mail, and nobody else's. The
 * JavaScript pattern (redaction) and the PostgreSQL one (finding and verifying rows)
 * must agree on every string, on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mentions,
  needlePattern,
  needleRegExp,
  needlesOf,
  redactCustomerObjects,
  redactJson,
  redactText,
  REDACTED,
} from '../../src/privacy/needles.js';
import { STORE_KINDS, createTestStore, type TestStore } from '../helpers/store.js';

const n = needlesOf('C-456', {
  phones: ['06 30 987 6543'],
  names: ['Nagy Péter', 'Péter', null],
  emails: ['Nagy.Peter@Example.com'],
});

const FOUND = [
  'C-456',
  'customer C-456.',
  '{"id":"C-456"}',
  '+36309876543',
  '36309876543',
  '06309876543',
  '06 30 987 6543',
  '+36 30 987 6543',
  '+36-30-987-6543',
  '(06 30) 987-6543',
  '0036 30 9876543',
  '309876543',
  'hívjon: 06/30/987-6543!',
  'Nagy Péter',
  'NAGY PÉTER',
  'nagy   péter',
  '{"name":"Nagy P\\u00e9ter"}',
  '{"name":"Nagy P\\u00E9ter"}',
  'nagy.peter@example.com',
  'mail: Nagy.Peter@EXAMPLE.com.',
];

const NOT_FOUND = [
  'C-4567',
  'XC-456',
  'C-456_2',
  'R-C-456',
  '+363098765430',
  '1309876543',
  '+36309876544',
  'Nagy Péterné',
  'Nagy',
  'Péter',
  'xnagy.peter@example.com',
  'nagy.peter@example.com.hu',
  'nagy.peter@example.community',
];

describe('needles', () => {
  it('keep a full name only, phones as E.164, e-mails lower-cased', () => {
    expect(n).toEqual({
      customerId: 'C-456',
      phones: ['+36309876543'],
      names: ['Nagy Péter'],
      emails: ['nagy.peter@example.com'],
    });
  });

  it('find every written form of the customer and nothing of anyone else (JavaScript)', () => {
    const re = needleRegExp(n);
    expect(FOUND.filter((s) => !mentions(s, re))).toEqual([]);
    expect(NOT_FOUND.filter((s) => mentions(s, re))).toEqual([]);
  });

  it('redact text and JSON in place, keeping the shape and the other data', () => {
    const re = needleRegExp(n);
    expect(redactText('call 06 30 987 6543 or C-4567, re C-456', re)).toBe(
      `call ${REDACTED} or C-4567, re ${REDACTED}`,
    );
    expect(
      redactJson(
        { customer: { id: 'C-456', name: 'Nagy Péter' }, n: 3, list: ['+36309876543', 'ok'] },
        re,
      ),
    ).toEqual({ customer: { id: REDACTED, name: REDACTED }, n: 3, list: [REDACTED, 'ok'] });
    expect(
      redactCustomerObjects(
        { customer: { id: 'C-456', name: 'Ab', vip: true }, other: { customer: { id: 'C-4' } } },
        'C-456',
      ),
    ).toEqual({
      customer: { id: REDACTED, name: REDACTED, vip: true },
      other: { customer: { id: 'C-4' } },
    });
  });
});

describe.each(STORE_KINDS)('the PostgreSQL pattern on %s', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('agrees with the JavaScript one on every string', async () => {
    const { rows } = await t.ctx.db.query<{ s: string; hit: boolean }>(
      'SELECT s, s ~ $2 AS hit FROM unnest($1::text[]) AS u(s)',
      [[...FOUND, ...NOT_FOUND], needlePattern(n, 'pg')],
    );
    const hits = rows.filter((r) => r.hit).map((r) => r.s);
    expect(hits).toEqual(FOUND);
  });
});
