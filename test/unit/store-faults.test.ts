/** Store faults as callers see them, and the readiness verdicts on Support and Redis. */
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/daemon/store-wait.js';
import { KgcError } from '../../src/errors/kgc-error.js';
import { redisCheck, supportCheck } from '../../src/health/readiness.js';
import { createStoreCondition, DISK_FULL_HOLD_MS } from '../../src/store/guarded.js';
import { storeFaultOf, translateStoreError } from '../../src/store/store-errors.js';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('store faults', () => {
  it.each([
    [
      pgError('53100', 'could not extend file "base/5/16385": No space left on device'),
      'storage_full',
    ],
    [pgError('ENOSPC', 'write failed'), 'storage_full'],
    [pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'), 'store_unavailable'],
    [pgError('ECONNRESET', 'read ECONNRESET'), 'store_unavailable'],
    [pgError('57P01', 'terminating connection due to administrator command'), 'store_unavailable'],
    [pgError('08006', 'connection failure'), 'store_unavailable'],
    [new Error('Connection terminated unexpectedly'), 'store_unavailable'],
    [new Error('timeout exceeded when trying to connect'), 'store_unavailable'],
  ])('%s is %s', (err, fault) => {
    expect(storeFaultOf(err)).toBe(fault);
    const k = translateStoreError(err) as KgcError;
    expect(k).toBeInstanceOf(KgcError);
    expect(k.code).toBe(fault);
    expect(k.status).toBe(fault === 'storage_full' ? 507 : 503);
    expect(Number(k.headers['retry-after'])).toBeGreaterThan(0);
  });

  it.each([
    pgError('23505', 'duplicate key value violates unique constraint'),
    pgError('22P05', 'unsupported Unicode escape sequence'),
    new TypeError('x is undefined'),
    new KgcError('not_found'),
  ])('%s is no store fault and passes unchanged', (err) => {
    expect(storeFaultOf(err)).toBeUndefined();
    expect(translateStoreError(err)).toBe(err);
  });

  it('a disk-full write fails readiness for a while, then no longer', async () => {
    let now = 1_000_000;
    const c = createStoreCondition({ now: () => now });
    expect(await c.check()).toEqual({ status: 'pass' });
    c.note(pgError('ECONNRESET', 'read ECONNRESET'));
    expect((await c.check()).status).toBe('pass');
    c.note(translateStoreError(pgError('53100', 'No space left on device')));
    expect(await c.check()).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('No space left'),
    });
    now += DISK_FULL_HOLD_MS;
    expect((await c.check()).status).toBe('pass');
    expect(c.last()?.fault).toBe('storage_full');
  });

  it('waits 0.5 s doubling to 15 s between attempts, with jitter', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(500);
    expect(retryDelayMs(3, () => 0.5)).toBe(2_000);
    expect(retryDelayMs(50, () => 0.5)).toBe(15_000);
    expect(retryDelayMs(50, () => 0)).toBe(12_000);
  });
});

describe('readiness of what the daemon can do without', () => {
  const view = (state: 'HEALTHY' | 'DOWN' | 'DISABLED') =>
    ({
      state,
      since: '',
      checked_at: null,
      next_check_at: null,
      detail: 'the chatbot: refused',
    }) as never;
  it('Support DOWN warns, naming it; HEALTHY or DISABLED passes', () => {
    expect(supportCheck(view('DOWN'))).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('Support DOWN'),
    });
    expect(supportCheck(view('HEALTHY')).status).toBe('pass');
    expect(supportCheck(view('DISABLED')).status).toBe('pass');
  });
  it('Redis unreachable warns; PONG passes', () => {
    expect(redisCheck({ kind: 'answer', ms: 1, reply: '+PONG' }).status).toBe('pass');
    expect(redisCheck({ kind: 'answer', ms: 1, reply: '-NOAUTH x' }).status).toBe('warn');
    expect(
      redisCheck({ kind: 'error', ms: 1, error: 'connection refused', timedOut: false }),
    ).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('Redis unreachable: connection refused'),
    });
  });
});
