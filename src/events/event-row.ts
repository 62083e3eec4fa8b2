/** An events row as the queries return it, and its public shape. */
import type { EventInfo, EventStatus } from './events.schema.js';

/** The columns every EventRow query selects. */
export const EVENT_COLUMNS = `id, type, status, source, occurred_at, created_at, run_at, locked_by, attempts, failures,
  delivered_at, dead_at, last_status, last_error, replays`;

export interface EventRow {
  id: string;
  type: string;
  status: EventStatus;
  source: string;
  occurred_at: Date;
  created_at: Date;
  run_at: Date | null;
  locked_by: string | null;
  attempts: number;
  failures: number;
  delivered_at: Date | null;
  dead_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  replays: number;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toEventInfo(r: EventRow, now: number): EventInfo {
  const inFlight =
    r.status === 'pending' && r.locked_by !== null && r.run_at !== null && r.run_at.getTime() > now;
  return {
    id: r.id,
    event: r.type,
    status: r.status,
    source: r.source,
    occurred_at: r.occurred_at.toISOString(),
    created_at: r.created_at.toISOString(),
    in_flight: inFlight,
    attempts: r.attempts,
    failures: r.failures,
    next_attempt_at: r.status === 'pending' && !inFlight ? iso(r.run_at) : null,
    delivered_at: iso(r.delivered_at),
    dead_at: iso(r.dead_at),
    last_status: r.last_status,
    last_error: r.last_error,
    replays: r.replays,
  };
}
