/**
 * SQL of the ERP-side outbox (kgc_erp.support_outbox). It runs on the ERP database:
 * the daemon store when ERP_DATABASE_URL is unset, else the ERP's own PostgreSQL.
 */

/**
 * Oldest first; SKIP LOCKED lets several daemons drain side by side without waiting.
 * The traceparent column came with migration 011: read through to_jsonb, an ERP
 * outbox created before it (from an older `events outbox-ddl`) still drains.
 */
export const LOCK_BATCH = `
  SELECT seq, id, event, data, occurred_at, to_jsonb(o) ->> 'traceparent' AS traceparent
  FROM kgc_erp.support_outbox o
  ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`;

export const DELETE_SEQS = `DELETE FROM kgc_erp.support_outbox WHERE seq = ANY($1::bigint[])`;

export const EXISTS = `SELECT to_regclass('kgc_erp.support_outbox') IS NOT NULL AS present`;
