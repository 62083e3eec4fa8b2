/**
 * What every admin page request must show before it is served: the session cookie,
 * and for a POST its own Origin (Referer when a browser sends no Origin) and the
 * session's CSRF token in a header. The cookie itself is SameSite=Strict, so a
 * cross-site form never carries it; the token and the Origin check hold even where
 * a browser would not honour SameSite.
 */
import type { FastifyRequest } from 'fastify';
import { KgcError } from '../errors/kgc-error.js';
import { sameSecret, SESSION_COOKIE, type Session, type SessionStore } from './sessions.js';

export const CSRF_HEADER = 'x-csrf-token';

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** Whether the request came over TLS (itself, or a proxy in front that says so). */
export function overTls(req: FastifyRequest): boolean {
  const fwd = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim().toLowerCase();
  return req.protocol === 'https' || first === 'https';
}

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site
 * sends it), Path=/admin, Secure over TLS. An empty value with Max-Age=0 clears it.
 */
export function sessionCookie(id: string, secure: boolean, maxAgeS?: number): string {
  return [
    `${SESSION_COOKIE}=${id}`,
    'Path=/admin',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
    ...(maxAgeS !== undefined ? [`Max-Age=${maxAgeS}`] : []),
  ].join('; ');
}

const first = (v: string | string[] | undefined): string | undefined =>
  (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim().toLowerCase() || undefined;

/**
 * Refuses a POST whose Origin (or Referer) is not this server's own host: the Host
 * header, or the X-Forwarded-Host a reverse proxy in front sets (a cross-site form or
 * fetch cannot set that header without a CORS preflight, which the daemon never grants).
 */
export function checkOrigin(req: FastifyRequest): void {
  const hosts = [first(req.headers.host), first(req.headers['x-forwarded-host'])].filter(Boolean);
  const origin = req.headers.origin ?? req.headers.referer;
  let from: string | undefined;
  try {
    from = origin && origin !== 'null' ? new URL(origin).host : undefined;
  } catch {
    from = undefined;
  }
  if (!from || !hosts.includes(from.toLowerCase()))
    throw new KgcError(
      'csrf_refused',
      from ? `requests from ${from} are refused here` : 'a request without its Origin is refused',
    );
}

export function sessionOf(req: FastifyRequest, sessions: SessionStore): Session {
  const s = sessions.get(cookieValue(req.headers.cookie, SESSION_COOKIE));
  if (!s) throw new KgcError('admin_session_required');
  return s;
}

export function checkCsrf(req: FastifyRequest, session: Session): void {
  const token = req.headers[CSRF_HEADER];
  if (typeof token !== 'string' || !sameSecret(token, session.csrf))
    throw new KgcError('csrf_refused', 'the CSRF token is missing or wrong: reload the page');
}
