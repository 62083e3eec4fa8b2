/**
 * What one daemon tells the others on the same PostgreSQL database about answers that
 * went stale, so that their in-process caches drop them too (memory-cache.ts). It
 * travels as a NOTIFY on the change channel (topic `cache`), sent in the statement
 * that stores the events (events.queries.ts) or by an erasure. The Redis tier needs
 * none: it is one cache for every daemon.
 *
 * The text is JSON: the sender (a daemon ignores its own notices), owner tags and
 * lookup tags, as invalidation.ts computes them (a phone only as its hash). A notice
 * too long for a NOTIFY names no tags and means "drop everything".
 */
import type { Invalidation } from './invalidation.js';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; the topic takes a few. */
const MAX_NOTICE = 7_900;

interface Wire {
  d: string;
  o?: string[];
  r?: string[];
  all?: true;
}

export function encodeNotice(sender: string, inv: Invalidation | 'all'): string | undefined {
  if (inv !== 'all' && inv.owners.length === 0 && inv.refs.length === 0) return undefined;
  const all = JSON.stringify({ d: sender, all: true } satisfies Wire);
  if (inv === 'all') return all;
  const text = JSON.stringify({ d: sender, o: inv.owners, r: inv.refs } satisfies Wire);
  return text.length <= MAX_NOTICE ? text : all;
}

/** The notice's sender and what it drops; undefined for a text that is not a notice. */
export function decodeNotice(
  text: string,
): { sender: string; drop: Invalidation | 'all' } | undefined {
  let w: Partial<Wire>;
  try {
    w = JSON.parse(text) as Partial<Wire>;
  } catch {
    return undefined;
  }
  if (typeof w !== 'object' || w === null || typeof w.d !== 'string') return undefined;
  if (w.all === true) return { sender: w.d, drop: 'all' };
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return { sender: w.d, drop: { owners: strings(w.o), refs: strings(w.r) } };
}
