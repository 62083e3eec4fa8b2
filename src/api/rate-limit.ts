/**
 * Per-key token buckets: `perSecond` tokens flow in, at most `burst` are kept, a
 * request takes one. Pure arithmetic over an injected clock; one Map per daemon.
 * A key's rate is its own (keys create/update/import --rate-limit), else the default
 * of its scopes: the ERP's erp:publish key must carry the seed's 200 events/s.
 */
import type { Rate } from '../config/duration.js';
import type { Config } from '../config/settings.js';

export interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface TakeResult {
  allowed: boolean;
  /** Seconds until one token is available (0 when allowed). */
  retryAfterSec: number;
  remaining: number;
}

export function take(bucket: Bucket, now: number, rate: Rate): TakeResult {
  const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
  bucket.tokens = Math.min(rate.burst, bucket.tokens + elapsed * rate.perSecond);
  bucket.updatedAt = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return { allowed: true, retryAfterSec: 0, remaining: Math.floor(bucket.tokens) };
  }
  return {
    allowed: false,
    retryAfterSec: Math.max(1, Math.ceil((1 - bucket.tokens) / rate.perSecond)),
    remaining: 0,
  };
}

/** The default rates of keys without their own: by scope, and for every other scope. */
export interface DefaultRates {
  readonly other: Rate;
  readonly perScope: Readonly<Partial<Record<string, Rate>>>;
}

/** The configured defaults: erp:publish and erp:gdpr have their own, the rest share KGC_SUPPORT_RATE_LIMIT. */
export function defaultRates(
  config: Pick<Config, 'rateLimit' | 'rateLimitPublish' | 'rateLimitGdpr'>,
): DefaultRates {
  return {
    other: config.rateLimit,
    perScope: { 'erp:publish': config.rateLimitPublish, 'erp:gdpr': config.rateLimitGdpr },
  };
}

/** A key without its own rate gets the most generous default among its scopes. */
export function defaultRateFor(d: DefaultRates, scopes: Iterable<string>): Rate {
  let best: Rate | undefined;
  for (const s of scopes) {
    const r = d.perScope[s] ?? d.other;
    if (
      !best ||
      r.perSecond > best.perSecond ||
      (r.perSecond === best.perSecond && r.burst > best.burst)
    )
      best = r;
  }
  return best ?? d.other;
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();
  private readonly defaults: DefaultRates;

  constructor(
    private readonly clock: { now(): number },
    defaults: Rate | DefaultRates,
  ) {
    this.defaults = 'other' in defaults ? defaults : { other: defaults, perScope: {} };
  }

  /** One request of `keyId`: its own rate when it has one, else the default of its scopes. */
  take(
    keyId: string,
    rate: Rate | undefined,
    scopes: Iterable<string> = [],
  ): TakeResult & { limit: number } {
    const r = rate ?? defaultRateFor(this.defaults, scopes);
    const now = this.clock.now();
    let b = this.buckets.get(keyId);
    if (!b) {
      b = { tokens: r.burst, updatedAt: now };
      this.buckets.set(keyId, b);
    }
    const res = take(b, now, r) as TakeResult & { limit: number };
    res.limit = r.burst;
    return res;
  }
}
