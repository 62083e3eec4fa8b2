/**
 * SQL of retention: what each kind of record holds and since when, and the deletes
 * past a cutoff ($1). Deletes go in chunks of $2 rows (each its own short statement,
 * never one long lock), oldest first; the caller repeats until a chunk comes back short.
 */

/**
 * An event an unfinished erasure still needs (its step 2's customer.deleted, or the ERP's
 * event that started it) is never deleted: `gdpr resume` replays it.
 */
const NOT_NEEDED_BY_AN_ERASURE = `NOT EXISTS (
    SELECT 1 FROM kgc_support.gdpr_steps s JOIN kgc_support.gdpr_requests r ON r.id = s.request_id
    WHERE s.step = 'webhook' AND s.ref = e.id AND r.state <> 'completed')`;

export const DELETE_DELIVERED = `
  WITH gone AS (
    DELETE FROM kgc_support.events WHERE id IN (
      SELECT e.id FROM kgc_support.events e
      WHERE e.status IN ('delivered', 'skipped') AND e.created_at < $1 AND ${NOT_NEEDED_BY_AN_ERASURE}
      LIMIT $2)
    RETURNING id
  ), attempts AS (
    DELETE FROM kgc_support.delivery_attempts WHERE event_id IN (SELECT id FROM gone)
  )
  SELECT count(*)::int AS n FROM gone`;

/** Uses events_dead_at_idx. */
export const DELETE_DEAD = `
  WITH gone AS (
    DELETE FROM kgc_support.events WHERE id IN (
      SELECT e.id FROM kgc_support.events e
      WHERE e.status IN ('dead', 'rejected') AND e.dead_at < $1 AND ${NOT_NEEDED_BY_AN_ERASURE}
      LIMIT $2)
    RETURNING id
  ), attempts AS (
    DELETE FROM kgc_support.delivery_attempts WHERE event_id IN (SELECT id FROM gone)
  )
  SELECT count(*)::int AS n FROM gone`;

export const DELETE_ATTEMPTS = `
  WITH gone AS (
    DELETE FROM kgc_support.delivery_attempts WHERE (event_id, attempt) IN (
      SELECT event_id, attempt FROM kgc_support.delivery_attempts WHERE at < $1 LIMIT $2)
    RETURNING 1
  )
  SELECT count(*)::int AS n FROM gone`;

/** Uses audit_log_at_idx. */
export const DELETE_AUDIT = `
  WITH gone AS (
    DELETE FROM kgc_support.audit_log WHERE id IN (
      SELECT id FROM kgc_support.audit_log WHERE at < $1 ORDER BY at LIMIT $2)
    RETURNING 1
  )
  SELECT count(*)::int AS n FROM gone`;

/** Completed requests only (their steps go with them: ON DELETE CASCADE); uses gdpr_requests_finished_idx. */
export const DELETE_RECEIPTS = `
  WITH gone AS (
    DELETE FROM kgc_support.gdpr_requests WHERE id IN (
      SELECT id FROM kgc_support.gdpr_requests WHERE state = 'completed' AND finished_at < $1 LIMIT $2)
    RETURNING 1
  )
  SELECT count(*)::int AS n FROM gone`;

/** Uses idempotency_created_idx. */
export const DELETE_REPLIES = `
  WITH gone AS (
    DELETE FROM kgc_support.idempotency WHERE (key_id, idem_key) IN (
      SELECT key_id, idem_key FROM kgc_support.idempotency WHERE created_at < $1 LIMIT $2)
    RETURNING 1
  )
  SELECT count(*)::int AS n FROM gone`;

/** How many of each kind are held, and the oldest one's time (what its retention counts from). */
export const HELD = `
  SELECT 'delivered_events' AS kind, count(*)::int AS n, min(created_at) AS oldest
    FROM kgc_support.events WHERE status IN ('delivered', 'skipped')
  UNION ALL SELECT 'dead_events', count(*)::int, min(dead_at)
    FROM kgc_support.events WHERE status IN ('dead', 'rejected')
  UNION ALL SELECT 'delivery_attempts', count(*)::int, min(at) FROM kgc_support.delivery_attempts
  UNION ALL SELECT 'audit_log', count(*)::int, min(at) FROM kgc_support.audit_log
  UNION ALL SELECT 'gdpr_receipts', count(*)::int, min(finished_at)
    FROM kgc_support.gdpr_requests WHERE state = 'completed'
  UNION ALL SELECT 'booking_replies', count(*)::int, min(created_at) FROM kgc_support.idempotency`;

export const RECORD_RUN = `
  INSERT INTO kgc_support.retention_runs (kind, ran_at, ok, deleted, error)
  SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::boolean[], $4::bigint[], $5::text[])
  ON CONFLICT (kind) DO UPDATE SET ran_at = EXCLUDED.ran_at, ok = EXCLUDED.ok,
    deleted = EXCLUDED.deleted, error = EXCLUDED.error`;

export const RUNS = `SELECT kind, ran_at, ok, deleted::int AS deleted, error FROM kgc_support.retention_runs`;
