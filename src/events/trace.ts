/**
 * W3C Trace Context for events (issue 21): an event keeps the `traceparent` of what
 * caused it (the ERP's HTTP call, or the column of its outbox row) and the request id
 * of the call that published it. Each delivery attempt continues that trace: the same
 * trace id and flags, a new span id of its own. An event without a valid traceparent
 * starts a trace when it is stored (INSERT_BATCH).
 */
import type { Random } from '../context/clock.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The header as given when it is a valid version-00 traceparent, else null (a new trace starts). */
export function validTraceparent(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  const m = TRACEPARENT.exec(v);
  if (!m) return null;
  if (/^0+$/.test(m[1] as string) || /^0+$/.test(m[2] as string)) return null;
  return v;
}

/** The traceparent of one delivery attempt: the event's trace, a new span. */
export function childTraceparent(parent: string | null, random: Pick<Random, 'bytes'>): string {
  const m = parent === null ? null : TRACEPARENT.exec(parent);
  const traceId = m ? (m[1] as string) : random.bytes(16).toString('hex');
  const flags = m ? (m[3] as string) : '01';
  return `00-${traceId}-${random.bytes(8).toString('hex')}-${flags}`;
}

/** The trace id of a traceparent, for logs. */
export const traceIdOf = (traceparent: string | null): string | null =>
  traceparent === null ? null : (TRACEPARENT.exec(traceparent)?.[1] ?? null);

/** What an event's publisher tells about its origin (set by the HTTP route, never by a body). */
export interface EventOrigin {
  readonly traceparent?: string | null;
  readonly requestId?: string | null;
}
