/** Parsing of the human units the CLI and the environment use: 30s, 15m, 24h, 14d, 100/s. */
import { KgcError } from '../errors/kgc-error.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "24h" → 86400000. A bare number is taken as seconds. */
export function parseDuration(text: string, what = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text);
  if (!m)
    throw new KgcError(
      'invalid_duration',
      `${what}: "${text}" is not a duration (examples: 30s, 15m, 24h, 14d)`,
    );
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const ms = Math.round(n * (UNIT_MS[unit] ?? 1_000));
  if (!Number.isFinite(ms) || ms > 100 * 365 * 86_400_000) {
    throw new KgcError('invalid_duration', `${what}: "${text}" is out of range`);
  }
  return ms;
}

/** 86400000 → "1d"; the largest unit that divides evenly, for display. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export interface Rate {
  /** Sustained requests per second. */
  readonly perSecond: number;
  /** Bucket size: how many may arrive at once. */
  readonly burst: number;
}

/** "100/s", "6000/min", "100/s,burst=300". */
export function parseRate(text: string, what = 'rate'): Rate {
  const m =
    /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*(?:,\s*burst\s*=\s*(\d+))?\s*$/i.exec(
      text,
    );
  if (!m)
    throw new KgcError(
      'invalid_config',
      `${what}: "${text}" is not a rate (examples: 100/s, 6000/min, 100/s,burst=300)`,
    );
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const per = unit.startsWith('h') ? 3600 : unit.startsWith('m') ? 60 : 1;
  const perSecond = n / per;
  if (!(perSecond > 0)) throw new KgcError('invalid_config', `${what}: must be above zero`);
  const burst = m[3] !== undefined ? Number(m[3]) : Math.max(10, Math.ceil(perSecond));
  return { perSecond, burst };
}
