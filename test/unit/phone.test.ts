import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../src/erp/phone.js';

describe('Hungarian phone normalisation', () => {
  it.each([
    ['06 30 123 4567', '+36301234567'],
    ['+36-30-123-4567', '+36301234567'],
    ['36301234567', '+36301234567'],
    ['+36301234567', '+36301234567'],
    ['0036 30 123 4567', '+36301234567'],
    ['(06 30) 123-45-67', '+36301234567'],
    ['06/30/123-4567', '+36301234567'],
    ['06 20 555 1234', '+36205551234'],
    ['06-1-234-5678', '+3612345678'],
    ['+36 1 234 5678', '+3612345678'],
    ['06 52 123 456', '+3652123456'],
    ['+43 664 1234567', '+436641234567'],
  ])('%s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each([
    '',
    'hello',
    '123',
    '06301234',
    '0630123456789',
    '+36+301234567',
    '06 30 123 4567; DROP TABLE',
    '٠٦٣٠١٢٣٤٥٦٧',
    'x'.repeat(50),
  ])('refuses %j', (input) => {
    expect(() => normalizePhone(input)).toThrowError(
      expect.objectContaining({ code: 'invalid_phone' }),
    );
  });
});
