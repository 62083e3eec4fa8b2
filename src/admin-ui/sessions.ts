/**
 * Admin page sessions, in the daemon's memory: a random id in an HttpOnly cookie, a
 * CSRF token the page sends back in a header, an idle and an absolute lifetime. The
 * map is keyed by the SHA-256 of the id, so a heap dump holds no usable cookie. A
 * daemon restart logs everyone out, which is the safe direction.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock, Random } from '../context/clock.js';

export const SESSION_COOKIE = 'kgc_admin';
export const IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 8 * 3_600_000;

export interface Session {
  readonly user: string;
  readonly csrf: string;
  /** The credential version the password matched (a reset ends the session). */
  readonly version: number;
  readonly createdAt: number;
  lastSeen: number;
}

const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** A new session; the id goes into the cookie and nowhere else. */
  open(user: string, version: number): { id: string; session: Session } {
    this.sweep();
    const id = this.random.bytes(32).toString('base64url');
    const now = this.clock.now();
    const session: Session = {
      user,
      version,
      csrf: this.random.bytes(32).toString('base64url'),
      createdAt: now,
      lastSeen: now,
    };
    this.sessions.set(digest(id), session);
    return { id, session };
  }

  /** The live session of a cookie value, touched; undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const key = digest(id);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    const now = this.clock.now();
    if (now - s.lastSeen > IDLE_MS || now - s.createdAt > ABSOLUTE_MS) {
      this.sessions.delete(key);
      return undefined;
    }
    s.lastSeen = now;
    return s;
  }

  close(id: string | undefined): void {
    if (id) this.sessions.delete(digest(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [k, s] of this.sessions)
      if (now - s.lastSeen > IDLE_MS || now - s.createdAt > ABSOLUTE_MS) this.sessions.delete(k);
  }
}

/**
 * Failed logins per client address: after MAX_FAILURES within WINDOW_MS the address
 * is refused (429) until the window has passed, whatever it sends. A success clears it.
 */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly clock: Clock) {}

  /** Seconds until `client` may try again, or 0. */
  retryAfter(client: string): number {
    const now = this.clock.now();
    const recent = (this.failures.get(client) ?? []).filter((t) => now - t < WINDOW_MS);
    if (recent.length === 0) this.failures.delete(client);
    else this.failures.set(client, recent);
    if (recent.length < MAX_FAILURES) return 0;
    return Math.max(1, Math.ceil((recent[0]! + WINDOW_MS - now) / 1000));
  }

  failed(client: string): void {
    const list = this.failures.get(client) ?? [];
    list.push(this.clock.now());
    this.failures.set(client, list.slice(-MAX_FAILURES));
  }

  succeeded(client: string): void {
    this.failures.delete(client);
  }
}
