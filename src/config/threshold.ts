/**
 * Warning and critical thresholds of a health check, as monitoring people write them:
 * "1,100" (a count: warn at 1, critical at 100), "15m,1h" (a duration), "180d" (a
 * warning only), ",3d" (a critical only), "off" (never). A threshold knows which way
 * is worse: a DLQ grows towards trouble, a key's remaining lifetime shrinks towards it.
 */
import { KgcError } from '../errors/kgc-error.js';
import { parseDuration } from './duration.js';

export type ThresholdKind = 'count' | 'duration';

export interface Threshold {
  /** In the kind's unit: a count, or milliseconds. */
  readonly warn: number | undefined;
  readonly crit: number | undefined;
  /** 'above': worse as the value grows (DLQ depth, age); 'below': worse as it shrinks (time left). */
  readonly worse: 'above' | 'below';
  /** As it was written (for `kgc-support config`). */
  readonly text: string;
}

function one(part: string, kind: ThresholdKind, what: string): number | undefined {
  const p = part.trim();
  if (p === '') return undefined;
  if (kind === 'duration') return parseDuration(p, what);
  if (!/^\d+$/.test(p))
    throw new KgcError('invalid_config', `${what}: "${p}" is not a whole number`);
  return Number(p);
}

export function parseThreshold(
  text: string,
  kind: ThresholdKind,
  worse: Threshold['worse'],
  what: string,
): Threshold {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === 'none') return { warn: undefined, crit: undefined, worse, text: 'off' };
  const parts = t.split(',');
  if (parts.length > 2)
    throw new KgcError(
      'invalid_config',
      `${what}: "${text}" is not WARN[,CRIT] (examples: ${kind === 'count' ? '1,100' : '15m,1h'}, off)`,
    );
  const warn = one(parts[0] ?? '', kind, what);
  const crit = one(parts[1] ?? '', kind, what);
  if (warn !== undefined && crit !== undefined && (worse === 'above' ? warn > crit : warn < crit)) {
    throw new KgcError(
      'invalid_config',
      `${what}: the warning level must come before the critical one (${worse === 'above' ? 'warn ≤ crit' : 'warn ≥ crit'})`,
    );
  }
  return { warn, crit, worse, text: text.trim() };
}

/** Where a value stands against a threshold. */
export function levelOf(value: number, t: Threshold): 'ok' | 'warn' | 'crit' {
  const beyond = (limit: number | undefined) =>
    limit !== undefined && (t.worse === 'above' ? value >= limit : value <= limit);
  if (beyond(t.crit)) return 'crit';
  if (beyond(t.warn)) return 'warn';
  return 'ok';
}
