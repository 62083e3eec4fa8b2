/**
 * What every answer of the Pull API must be, whatever was asked: never a 5xx, and
 * an error is a problem document (RFC 9457) with its stable code and status.
 */
import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { expect } from 'vitest';

export function expectNoServerError(res: LightMyRequestResponse, what: string): void {
  expect([what, res.statusCode < 500 ? 'no 5xx' : res.body.slice(0, 300)]).toEqual([
    what,
    'no 5xx',
  ]);
  if (res.statusCode >= 400) {
    expect([what, String(res.headers['content-type'])]).toEqual([
      what,
      expect.stringMatching(/^application\/problem\+json/),
    ]);
    const problem = res.json() as { code?: unknown; status?: unknown };
    expect([what, typeof problem.code, problem.status]).toEqual([what, 'string', res.statusCode]);
  }
}

/** Percent-encodes a string whatever it holds (a lone surrogate becomes its raw UTF-16 bytes' escape). */
export function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf16le')]
      .map((b) => `%${b.toString(16).padStart(2, '0')}`)
      .join('');
  }
}

/** A path segment or query value as an attacker writes it: encoded text, raw bytes, odd escapes. */
export const urlPart = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(encode) },
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 24 })
      .map((b) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('')),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{1,70}$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%00',
      '%',
      '%zz',
      '%E0%A4%A',
      '%ED%A0%80',
      '%C0%AF',
      '..',
      '.',
      '%2e%2e%2f',
      '%2F',
      'C-123',
      'R-2025-001',
      'M-2025-0123',
      'O-2025-0456',
      'x'.repeat(300),
      '%20',
      '+',
    ),
  },
);
