/**
 * Per-key token buckets: `perSecond` tokens flow in, at most `burst` are kept, a
 * request takes one. Pure arithmetic over an injected clock; one Map per daemon.
 */
import type { Rate } from '../config/duration.js';

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

export class RateLimiter {
  private buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: { now(): number },
    private readonly defaultRate: Rate,
  ) {}

  take(keyId: string, rate: Rate | undefined): TakeResult & { limit: number } {
    const r = rate ?? this.defaultRate;
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
