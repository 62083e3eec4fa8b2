/** Sessions and the login limiter on a hand-moved clock: idle and absolute lifetimes, the lockout window. */
import { describe, expect, it } from 'vitest';
import {
  ABSOLUTE_MS,
  IDLE_MS,
  LoginLimiter,
  MAX_FAILURES,
  SessionStore,
  WINDOW_MS,
} from '../../src/admin-ui/sessions.js';
import { cryptoRandom, manualClock } from '../../src/context/clock.js';

describe('admin page sessions', () => {
  it('ends a session after IDLE_MS without a request, and any session after ABSOLUTE_MS', () => {
    const clock = manualClock(1_000_000);
    const store = new SessionStore(clock, cryptoRandom);
    const { id, session } = store.open('admin', 1);
    expect(session.csrf).toMatch(/^[\w-]{43}$/);
    expect(id).not.toBe(session.csrf);
    clock.advance(IDLE_MS - 1);
    expect(store.get(id)?.user).toBe('admin');
    clock.advance(IDLE_MS + 1);
    expect(store.get(id)).toBeUndefined();

    const busy = store.open('admin', 1).id;
    for (let t = 0; t < ABSOLUTE_MS; t += IDLE_MS / 2) {
      clock.advance(IDLE_MS / 2);
      if (t + IDLE_MS / 2 < ABSOLUTE_MS) expect(store.get(busy)).toBeDefined();
    }
    clock.advance(1);
    expect(store.get(busy)).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
    expect(store.get('forged')).toBeUndefined();
  });

  it('locks a client out after MAX_FAILURES failures until the window has passed; a success clears it', () => {
    const clock = manualClock(0);
    const limiter = new LoginLimiter(clock);
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(limiter.retryAfter('a')).toBe(0);
      limiter.failed('a');
    }
    expect(limiter.retryAfter('a')).toBe(WINDOW_MS / 1000);
    expect(limiter.retryAfter('b')).toBe(0);
    clock.advance(WINDOW_MS);
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.failed('b');
    limiter.succeeded('b');
    for (let i = 0; i < MAX_FAILURES - 1; i++) limiter.failed('b');
    expect(limiter.retryAfter('b')).toBe(0);
  });
});
