/**
 * A probe's outcome as the checks see it: its value, or why there is none. Probes run
 * at the edges (HTTP, Redis, PostgreSQL, the Docker engine, the daemon); the checks
 * are pure functions of these.
 */
export type Probed<T> =
  | { readonly kind: 'ok'; readonly value: T; readonly at: number }
  /** Not configured: nothing to ask (why says what to set). */
  | { readonly kind: 'unset'; readonly why: string; readonly at: number }
  /** The probe itself did not finish within its time limit. */
  | { readonly kind: 'timeout'; readonly timeoutMs: number; readonly at: number }
  /** The probe threw (a source that refused, a bug): the message. */
  | { readonly kind: 'error'; readonly error: string; readonly at: number };

export const ok = <T>(value: T, at: number): Probed<T> => ({ kind: 'ok', value, at });
