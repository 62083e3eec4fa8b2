/**
 * The dispatcher's hot statements. An event is claimable when status = 'pending'
 * and run_at <= now (the partial index events_queue_idx). Claiming sets run_at to
 * the end of a lease, so other daemons skip it and a killed daemon's events come
 * back when the lease runs out; `attempts` is bumped and is the claim's fencing
 * token: a settle that does not carry the current one changes nothing.
 */

/**
 * One statement: pick the due events oldest first, skip rows another daemon has
 * locked, and lease them. $1 now, $2 lease end, $3 worker, $4 how many, $5 the
 * oldest occurred_at still delivered unasked (older ones are EXPIREd, see below).
 */
export const CLAIM = `
  UPDATE kgc_support.events e
  SET run_at = $2, locked_by = $3, attempts = e.attempts + 1
  FROM (
    SELECT id FROM kgc_support.events
    WHERE status = 'pending' AND run_at <= $1 AND (replays > 0 OR occurred_at >= $5)
    ORDER BY run_at, seq
    LIMIT $4
    FOR UPDATE SKIP LOCKED
  ) AS due
  WHERE e.id = due.id
  RETURNING e.id, e.type, e.body, e.attempts, e.failures, (extract(epoch FROM e.created_at) * 1000)::float8 AS created_ms,
    e.traceparent, e.request_id`;

/**
 * Events too old to be delivered as if new (occurred before $2, the max age back
 * from $1) are dead-lettered as expired, with the reason $3. Only due, unleased ones
 * (run_at <= now walks events_queue_idx; SKIP LOCKED leaves another daemon's claim
 * alone), and never one replayed by hand: a replay is the explicit "send it anyway".
 */
export const EXPIRE = `
  UPDATE kgc_support.events e
  SET status = 'dead', run_at = NULL, locked_by = NULL, dead_at = $1, last_error = $3
  FROM (
    SELECT id FROM kgc_support.events
    WHERE status = 'pending' AND run_at <= $1 AND replays = 0 AND occurred_at < $2
    FOR UPDATE SKIP LOCKED
  ) AS old
  WHERE e.id = old.id
  RETURNING e.id, e.type`;

/** When the next pending event falls due (a min over the queue index). */
export const NEXT_DUE = `SELECT min(run_at) AS due FROM kgc_support.events WHERE status = 'pending'`;

/**
 * The outcomes of many attempts in one statement (so one implicit transaction): the
 * attempts are recorded, and each event is settled only if its claim is still the
 * current one. Arrays $1-$10: id, attempt, status, run_at, failed (0/1), at, http
 * status, error, url, outcome, duration, response; $13 worker. An attempt already
 * recorded (a settle retried after a lost answer) is not recorded twice.
 */
export const SETTLE = `
  WITH u AS (
    SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[], $5::int[], $6::timestamptz[], $7::int[], $8::text[],
                         $9::text[], $10::text[], $11::real[], $12::text[])
      AS u(id, attempt, status, run_at, failed, at, http_status, error, url, outcome, duration_ms, response)
  ), recorded AS (
    INSERT INTO kgc_support.delivery_attempts (event_id, attempt, at, url, outcome, status, duration_ms, response, error, worker)
    SELECT id, attempt, at, url, outcome, http_status, duration_ms, response, error, $13 FROM u
    ON CONFLICT (event_id, attempt) DO NOTHING
  ), noted AS (
    -- Seed 9.2 "Support notification sent: M-2025-0123": an audit row per delivery,
    -- naming the event type and its business id. Same snapshot and same conditions
    -- as the UPDATE below, so only a settle that takes effect writes one. customer.deleted
    -- names no one: the customer is being erased, and the audit log must not keep the id
    -- (the row keeps the event id; the erasure receipt has the customer's keyed hash).
    INSERT INTO kgc_support.audit_log (at, kind, request_id, actor, method, route, resource_id, status, latency_ms)
    SELECT u.at, 'notification', ev.id, $13, 'POST', ev.type,
           CASE WHEN ev.type = 'customer.deleted' THEN NULL
                ELSE COALESCE(ev.data->>'worklog_id', ev.data->>'order_id', ev.data->>'rental_id') END,
           u.http_status, u.duration_ms
    FROM u JOIN kgc_support.events ev ON ev.id = u.id
    WHERE u.status = 'delivered' AND ev.attempts = u.attempt AND ev.status = 'pending' AND ev.locked_by = $13
  )
  UPDATE kgc_support.events e SET
    status = u.status,
    run_at = u.run_at,
    locked_by = NULL,
    failures = e.failures + u.failed,
    delivered_at = CASE WHEN u.status = 'delivered' THEN u.at ELSE e.delivered_at END,
    dead_at = CASE WHEN u.status = 'dead' THEN u.at END,
    last_status = u.http_status,
    last_error = u.error
  FROM u
  WHERE e.id = u.id AND e.attempts = u.attempt AND e.status = 'pending' AND e.locked_by = $13`;

/**
 * Embedded store only (one daemon per store): at boot, the leases a killed
 * predecessor left are released at once instead of waiting for them to run out.
 */
export const RELEASE_LEASES = `
  UPDATE kgc_support.events SET run_at = $1, locked_by = NULL
  WHERE status = 'pending' AND locked_by IS NOT NULL AND run_at > $1`;

/**
 * The BullMQ queue's claim: the events the jobs at hand name ($4, an array: one
 * statement and one commit for all the jobs that arrived together), leased as CLAIM
 * leases, when still pending and due. Locked in id order, so two daemons claiming
 * overlapping sets cannot deadlock; a row another worker leased meanwhile no longer
 * matches once its lock is granted, and is left out. $1 now, $2 lease end, $3 worker,
 * $5 as CLAIM's.
 */
export const CLAIM_IDS = `
  UPDATE kgc_support.events e
  SET run_at = $2, locked_by = $3, attempts = e.attempts + 1
  FROM (
    SELECT id FROM kgc_support.events
    WHERE id = ANY($4::text[]) AND status = 'pending' AND run_at <= $1 AND (replays > 0 OR occurred_at >= $5)
    ORDER BY id
    FOR UPDATE
  ) AS c
  WHERE e.id = c.id
  RETURNING e.id, e.type, e.body, e.attempts, e.failures, (extract(epoch FROM e.created_at) * 1000)::float8 AS created_ms,
    e.traceparent, e.request_id`;

/** A job found nothing to claim: is its event waiting for a retry (due at run_at, no lease)? */
export const RETRY_AT = `
  SELECT run_at FROM kgc_support.events
  WHERE id = $1 AND status = 'pending' AND locked_by IS NULL AND run_at > $2`;

/**
 * The BullMQ queue's reconcile: due events (no job needed for later ones, and leased
 * ones are not due), a page at a time after the key ($2 run_at, $3 seq), over
 * events_queue_idx. `attempts` names the job, so one due state is enqueued once.
 */
export const DUE_PAGE = `
  SELECT id, attempts, run_at, seq FROM kgc_support.events
  WHERE status = 'pending' AND run_at <= $1 AND (run_at, seq) > ($2::timestamptz, $3::bigint)
  ORDER BY run_at, seq
  LIMIT $4`;
