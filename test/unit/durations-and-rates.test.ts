import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseRate } from '../../src/config/duration.js';
import { RateLimiter, take } from '../../src/api/rate-limit.js';
import { manualClock } from '../../src/context/clock.js';
import { loadConfig } from '../../src/config/config.js';

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['14d', 1_209_600_000],
    ['2w', 1_209_600_000],
    ['90', 90_000],
    ['1.5h', 5_400_000],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', 'soon', '-1h', '1y', '24 hours', '1e9d'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrowError(
      expect.objectContaining({ code: 'invalid_duration' }),
    );
  });
  it('formats back', () => {
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(5_400_000)).toBe('90m');
  });
});

describe('rates and the token bucket', () => {
  it('parses rates', () => {
    expect(parseRate('100/s')).toEqual({ perSecond: 100, burst: 100 });
    expect(parseRate('6000/min')).toEqual({ perSecond: 100, burst: 100 });
    expect(parseRate('5/s,burst=20')).toEqual({ perSecond: 5, burst: 20 });
    expect(parseRate('1/s').burst).toBe(10);
    expect(() => parseRate('fast')).toThrowError(
      expect.objectContaining({ code: 'invalid_config' }),
    );
    expect(() => parseRate('0/s')).toThrowError();
  });

  it('lets a burst through, then refills at the rate', () => {
    const b = { tokens: 3, updatedAt: 0 };
    const rate = { perSecond: 2, burst: 3 };
    expect([take(b, 0, rate), take(b, 0, rate), take(b, 0, rate)].every((r) => r.allowed)).toBe(
      true,
    );
    const refused = take(b, 0, rate);
    expect(refused).toMatchObject({ allowed: false, retryAfterSec: 1 });
    expect(take(b, 500, rate).allowed).toBe(true);
    expect(take(b, 500, rate).allowed).toBe(false);
    expect(take(b, 100_000, rate).remaining).toBe(2);
  });

  it('keeps one bucket per key', () => {
    const clock = manualClock(0);
    const rl = new RateLimiter(clock, { perSecond: 1, burst: 1 });
    expect(rl.take('a', undefined).allowed).toBe(true);
    expect(rl.take('a', undefined).allowed).toBe(false);
    expect(rl.take('b', undefined).allowed).toBe(true);
    expect(rl.take('c', { perSecond: 10, burst: 2 }).limit).toBe(2);
  });
});

describe('configuration', () => {
  it('has defaults and reads the environment', () => {
    const c = loadConfig({ HOME: '/home/x' });
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 3030,
      dataDir: '/home/x/.local/share/kgc-support',
      databaseUrl: undefined,
      timezone: 'Europe/Budapest',
    });
    const d = loadConfig(
      { KGC_SUPPORT_PORT: '8080', SUPPORT_MODULE_ENABLED: 'false', KGC_SUPPORT_BODY_LIMIT: '1mb' },
      { dataDir: '/srv/kgc' },
    );
    expect(d).toMatchObject({
      port: 8080,
      supportModuleEnabled: false,
      bodyLimit: 1_048_576,
      dataDir: '/srv/kgc',
    });
  });

  it('reports every bad value at once and names the variable', () => {
    let message = '';
    try {
      loadConfig({
        KGC_SUPPORT_PORT: 'eighty',
        SUPPORT_MODULE_ENABLED: 'maybe',
        DATABASE_URL: 'not a url',
        KGC_SUPPORT_TIMEZONE: 'Mars/Olympus',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const name of [
      'KGC_SUPPORT_PORT',
      'SUPPORT_MODULE_ENABLED',
      'DATABASE_URL',
      'KGC_SUPPORT_TIMEZONE',
    ])
      expect(message).toContain(name);
  });
});
