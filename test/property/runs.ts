/**
 * How many cases each property runs. The folder runs in about a minute on a busy
 * two-core machine; KGC_PROPERTY_RUNS_SCALE=10 runs ten times as many (a longer hunt),
 * and FC_SEED replays a failure (fast-check prints the seed and path of each).
 */
import fc from 'fast-check';

const scale = Number(process.env.KGC_PROPERTY_RUNS_SCALE ?? '1');

export function runs(n: number): fc.Parameters<unknown> {
  const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
  return {
    numRuns: Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
    ...(seed !== undefined && Number.isFinite(seed) ? { seed } : {}),
  };
}

/** Strings that break things: NUL, lone surrogates, RTL marks, long runs, SQL and path tricks. */
export const nasty = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDC00x',
  '\u202E',
  '\uFEFF',
  '😀',
  "'; DROP TABLE x; --",
  '../../etc/passwd',
  '%00',
  '%',
  '%E0%A4%A',
  '\\',
  '"',
  '{}',
  '[]',
  'null',
  ' ',
  '',
  'x'.repeat(5000),
);

/** Any string, weighted towards the nasty ones. */
export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 2, arbitrary: nasty },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);
