/** SQL of the dead-letter queue: status dead or rejected, read through events_dlq_idx. */
import { EVENT_COLUMNS as COLUMNS } from '../events/event-row.js';

const FILTER = `
  ($1::text IS NULL OR type = $1)
  AND ($2::timestamptz IS NULL OR created_at >= $2)
  AND ($3::timestamptz IS NULL OR created_at < $3)`;

export const LIST = `
  SELECT ${COLUMNS} FROM kgc_support.events
  WHERE status IN ('dead', 'rejected') AND ${FILTER}
  ORDER BY created_at DESC, seq DESC LIMIT $4`;

/** The ids a filter selects, oldest first; $4 the statuses wanted. */
export const SELECT_IDS = `
  SELECT id FROM kgc_support.events
  WHERE status = ANY($4::text[]) AND ${FILTER}
  ORDER BY created_at, seq`;

export const STATUS_OF = `SELECT id, status FROM kgc_support.events WHERE id = ANY($1::text[])`;

/** Pending again, due now, with the whole schedule ahead; only what is still dead. */
export const REPLAY = `
  UPDATE kgc_support.events
  SET status = 'pending', run_at = $2, failures = 0, dead_at = NULL, locked_by = NULL, replays = replays + 1
  WHERE id = ANY($1::text[]) AND status = 'dead'
  RETURNING id`;

/** The events and their attempts (no foreign key cascades them: see migration 003). */
export const PURGE = `
  WITH gone AS (
    DELETE FROM kgc_support.events WHERE id = ANY($1::text[]) AND status IN ('dead', 'rejected')
    RETURNING id
  ), attempts AS (
    DELETE FROM kgc_support.delivery_attempts WHERE event_id IN (SELECT id FROM gone)
  )
  SELECT id FROM gone`;

/** The kept payloads of rejected events, for `dlq replay` to validate again. */
export const REJECTED_PAYLOADS = `
  SELECT id, type, occurred_at, data FROM kgc_support.events WHERE id = ANY($1::text[]) AND status = 'rejected'`;

/**
 * Rejected events whose payload now passes its schema: pending with the payload as it
 * validated and the body it is sent as. $1 ids, $2 data (json text), $3 bodies, $4 now.
 */
export const ACCEPT_REJECTED = `
  UPDATE kgc_support.events e
  SET status = 'pending', data = u.data::jsonb, body = u.body, run_at = $4, failures = 0, dead_at = NULL,
      locked_by = NULL, last_error = NULL, replays = e.replays + 1
  FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, data, body)
  WHERE e.id = u.id AND e.status = 'rejected'
  RETURNING e.id`;

/** Rejected events that still fail: they stay rejected, with today's reason. $1 ids, $2 reasons. */
export const STILL_REJECTED = `
  UPDATE kgc_support.events e SET last_error = u.error
  FROM unnest($1::text[], $2::text[]) AS u(id, error)
  WHERE e.id = u.id AND e.status = 'rejected'`;
