/**
 * A key's own rate limit as given on a command line: set at create or import,
 * changed by `keys update --rate-limit`, or cleared ("default") so that the key
 * follows its scopes' default (KGC_SUPPORT_RATE_LIMIT, _PUBLISH, _GDPR).
 */
import { parseRate, type Rate } from '../config/duration.js';
import { KgcError } from '../errors/kgc-error.js';

/** The word that clears a key's own rate. */
export const DEFAULT_RATE = 'default';

/** A rate as given on a command line: 100/s, 6000/min, 100/s,burst=300, or "default" (null). */
export function parseKeyRate(text: string): Rate | null {
  if (text.trim().toLowerCase() === DEFAULT_RATE) return null;
  try {
    return parseRate(text, 'rate-limit');
  } catch (err) {
    throw new KgcError('bad_request', (err as Error).message);
  }
}
