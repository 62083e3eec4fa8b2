/**
 * SQL of the ERP-side outbox (kgc_erp.support_outbox). It runs on the ERP database:
 * the daemon store when ERP_DATABASE_URL is unset, else the ERP's own PostgreSQL.
 */

/** Oldest first; SKIP LOCKED lets several daemons drain side by side without waiting. */
export const LOCK_BATCH = `
  SELECT seq, id, event, data, occurred_at FROM kgc_erp.support_outbox
  ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`;

export const DELETE_SEQS = `DELETE FROM kgc_erp.support_outbox WHERE seq = ANY($1::bigint[])`;

export const EXISTS = `SELECT to_regclass('kgc_erp.support_outbox') IS NOT NULL AS present`;
