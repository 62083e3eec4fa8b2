/**
 * What a failed statement means for the caller: the store cannot be reached (a
 * PostgreSQL outage, a dropped connection) or cannot make a write durable (a full
 * disk). Both are answered as a clear problem with Retry-After (503 / 507), never
 * as `internal`; every other error is the caller's own and passes unchanged.
 */
import { KgcError } from '../errors/kgc-error.js';

export type StoreFault = 'store_unavailable' | 'storage_full';

/** Seconds a caller should wait before trying again. */
export const RETRY_AFTER_S: Record<StoreFault, number> = { store_unavailable: 5, storage_full: 30 };

/** Node's socket errors of a database that went away or is not there. */
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, query_canceled (a statement timeout). */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** pg's own words for a connection it lost or could not make in time. */
const UNAVAILABLE_TEXT =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|connect ECONNREFUSED|read ECONNRESET|Connection ended unexpectedly|Query read timeout/i;

const DISK_FULL_TEXT = /No space left on device|ENOSPC|disk full/i;

function codeOf(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** The fault an error shows, or undefined for any other error (a bug, a constraint, bad input). */
export function storeFaultOf(err: unknown): StoreFault | undefined {
  if (err instanceof KgcError)
    return err.code === 'store_unavailable' || err.code === 'storage_full' ? err.code : undefined;
  if (!(err instanceof Error)) return undefined;
  const code = codeOf(err);
  // 53100 disk_full; 53000 insufficient_resources is also how a full WAL disk can surface.
  if (code === '53100' || code === 'ENOSPC' || DISK_FULL_TEXT.test(err.message))
    return 'storage_full';
  if (code !== undefined && (NET_CODES.has(code) || UNAVAILABLE_STATES.has(code)))
    return 'store_unavailable';
  if (code !== undefined && code.startsWith('08')) return 'store_unavailable';
  if (UNAVAILABLE_TEXT.test(err.message)) return 'store_unavailable';
  return undefined;
}

const DETAIL: Record<StoreFault, string> = {
  store_unavailable:
    'the database cannot be reached; try again (a write with the same Idempotency-Key is not done twice)',
  storage_full:
    'the database cannot store the change: its disk is full; nothing was stored, try again once space is freed',
};

/** The KgcError a store fault is answered with; any other error unchanged. */
export function translateStoreError(err: unknown): unknown {
  if (err instanceof KgcError) return err;
  const fault = storeFaultOf(err);
  if (!fault) return err;
  return new KgcError(fault, DETAIL[fault], {
    cause: err,
    headers: { 'retry-after': String(RETRY_AFTER_S[fault]) },
  });
}
