/**
 * SQL of the event record. Inserts take arrays (one element per event) so that a
 * single publish and an outbox batch share one statement. The module switch is read
 * in the same statement, so "published while disabled" and "stored as skipped" can
 * never disagree, whatever the cache of a daemon says.
 */

import { CHANGES_CHANNEL } from '../store/changes.js';
import { EVENT_COLUMNS as COLUMNS } from './event-row.js';

/**
 * $1 ids, $2 types, $3 occurred_at, $4 data (json text), $5 bodies, $6 rejection errors (NULL = valid),
 * $7 source, $8 now, $9 erasure notes (NULL = not about an erased customer: src/privacy/late-events.ts),
 * $10 the read cache's notice to other daemons (NULL = none: cache/peer-notice.ts).
 * One statement, so a publish is one round trip and atomic on its own: the NOTIFY that
 * wakes the dispatchers is part of it (sent at commit, only when a pending row went in),
 * and so is the one that tells other daemons' caches what the events make stale.
 * `woke` and `told` are joined with CROSS JOIN, not LEFT JOIN … ON true: the planner
 * removes a left join whose columns nobody reads, and with it the CTE scan that sends the NOTIFY.
 */
export const INSERT_BATCH = `
  WITH ins AS (
    INSERT INTO kgc_support.events (id, type, occurred_at, data, body, source, status, run_at, created_at, dead_at, last_error, traceparent, request_id)
    SELECT u.id, u.type, u.occurred_at, u.data::jsonb, u.body, $7,
      CASE WHEN u.erased IS NOT NULL THEN 'skipped' WHEN u.error IS NOT NULL THEN 'rejected'
           WHEN sw.enabled THEN 'pending' ELSE 'skipped' END,
      $8, $8, CASE WHEN u.error IS NOT NULL AND u.erased IS NULL THEN $8::timestamptz END, COALESCE(u.erased, u.error),
      -- No traceparent from its origin: the event starts a trace (src/events/trace.ts).
      COALESCE(u.traceparent,
        '00-' || md5(gen_random_uuid()::text) || '-' || substr(md5(gen_random_uuid()::text), 1, 16) || '-01'),
      u.request_id
    FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $9::text[], $11::text[], $12::text[])
      AS u(id, type, occurred_at, data, body, error, erased, traceparent, request_id)
    CROSS JOIN (SELECT COALESCE((SELECT enabled FROM kgc_support.plugin_state WHERE singleton), true) AS enabled) AS sw
    ON CONFLICT (id) DO NOTHING
    RETURNING ${COLUMNS}
  ), woke AS (
    SELECT pg_notify('${CHANGES_CHANNEL}', 'events:new') FROM (SELECT 1 FROM ins WHERE status = 'pending' LIMIT 1) AS p
  ), told AS (
    SELECT pg_notify('${CHANGES_CHANNEL}', 'cache:' || $10::text) WHERE $10::text IS NOT NULL
  )
  SELECT ins.* FROM ins CROSS JOIN (SELECT count(*) AS n FROM woke) AS w
    CROSS JOIN (SELECT count(*) AS n FROM told) AS t`;

export const BY_ID = `SELECT ${COLUMNS} FROM kgc_support.events WHERE id = $1`;

/** For an idempotent replay: is it the same event? (jsonb equality ignores key order and spacing.) */
export const SAME_AS = `SELECT ${COLUMNS}, (type = $2 AND data = $3::jsonb) AS same FROM kgc_support.events WHERE id = $1`;

export const DATA_BY_ID = `SELECT data FROM kgc_support.events WHERE id = $1`;

export const ATTEMPTS = `
  SELECT attempt, at, url, outcome, status, duration_ms, response, error, worker
  FROM kgc_support.delivery_attempts WHERE event_id = $1 ORDER BY attempt`;

/** Each count walks a partial index (queue or DLQ), never the delivered history. */
export const STATS = `
  SELECT
    (SELECT count(*) FROM kgc_support.events WHERE status = 'pending') AS pending,
    (SELECT count(*) FROM kgc_support.events WHERE status = 'pending' AND locked_by IS NOT NULL AND run_at > $1) AS in_flight,
    (SELECT count(*) FROM kgc_support.events WHERE status = 'dead') AS dead,
    (SELECT count(*) FROM kgc_support.events WHERE status = 'rejected') AS rejected,
    (SELECT min(created_at) FROM kgc_support.events WHERE status = 'pending') AS oldest_pending_at`;

/** Uses events_customer_deleted_idx (the literal type matches its predicate). $1 after seq, $2 limit. */
export const CUSTOMER_DELETED_AFTER = `
  SELECT id, seq, source, status, data FROM kgc_support.events
  WHERE type = 'customer.deleted' AND seq > $1
  ORDER BY seq LIMIT $2`;
