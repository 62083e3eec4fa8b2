import { describe, expect, it } from 'vitest';
import { lateDays } from '../../src/erp/rentals.js';
import { validateSlot } from '../../src/erp/slots.js';
import { daysBetween, localParts } from '../../src/erp/local-time.js';

const BP = {
  id: 'BP-01',
  opens_at: '08:00:00',
  closes_at: '17:00:00',
  open_days: '12345',
  slot_minutes: 30,
};
const NOW = Date.parse('2030-03-25T09:00:00Z');

describe('late days', () => {
  it('counts days past the end until the return or today', () => {
    expect(
      lateDays({ rental_end: '2025-12-30', returned_on: null, status: 'active' }, '2025-12-30'),
    ).toBe(0);
    expect(
      lateDays({ rental_end: '2025-12-30', returned_on: null, status: 'active' }, '2026-01-02'),
    ).toBe(3);
    expect(
      lateDays(
        { rental_end: '2025-12-30', returned_on: '2025-12-31', status: 'returned' },
        '2026-02-01',
      ),
    ).toBe(1);
    expect(
      lateDays(
        { rental_end: '2025-12-30', returned_on: '2025-12-29', status: 'returned' },
        '2026-02-01',
      ),
    ).toBe(0);
    expect(
      lateDays({ rental_end: '2025-12-30', returned_on: null, status: 'cancelled' }, '2026-02-01'),
    ).toBe(0);
  });

  it("uses the franchise's calendar day, not UTC's", () => {
    // 23:30 UTC on 31 March is already 1 April in Budapest (CEST, UTC+2).
    expect(localParts(Date.parse('2030-03-31T23:30:00Z'), 'Europe/Budapest').date).toBe(
      '2030-04-01',
    );
    expect(daysBetween('2030-03-30', '2030-04-01')).toBe(2);
  });
});

describe('appointment slots', () => {
  it('accepts an aligned slot within opening hours, across the DST change', () => {
    // 2030-03-31 is the DST switch; Monday 1 April 08:00 Budapest is 06:00 UTC.
    expect(
      validateSlot('2030-04-01T08:00:00+02:00', BP, NOW, 'Europe/Budapest').start.toISOString(),
    ).toBe('2030-04-01T06:00:00.000Z');
    expect(validateSlot('2030-04-01T06:30:00Z', BP, NOW, 'Europe/Budapest').end.toISOString()).toBe(
      '2030-04-01T07:00:00.000Z',
    );
    expect(
      validateSlot('2030-04-01T16:30:00+02:00', BP, NOW, 'Europe/Budapest').end.toISOString(),
    ).toBe('2030-04-01T15:00:00.000Z');
  });

  it.each([
    ['2030-04-01T08:15:00+02:00', 'every 30 minutes'],
    ['2030-04-01T07:30:00+02:00', 'books appointments'],
    ['2030-04-01T17:00:00+02:00', 'books appointments'],
    ['2030-03-30T10:00:00+01:00', 'no appointments on that day'],
    ['2030-03-20T10:00:00+01:00', 'in the past'],
    ['2031-04-01T08:00:00+02:00', 'days ahead'],
    ['2030-04-01T08:00:30+02:00', 'every 30 minutes'],
  ])('refuses %s', (slot, why) => {
    expect(() => validateSlot(slot, BP, NOW, 'Europe/Budapest')).toThrowError(why);
  });
});
