/** SQL of the webhook signing secrets (a handful of rows; no index worth naming). */

export const VALID = `
  SELECT id, secret, source, created_at, expires_at, activates_at FROM kgc_support.webhook_secrets
  WHERE expires_at IS NULL OR expires_at > $1
  ORDER BY seq DESC`;

export const LIST = `
  SELECT id, source, fingerprint, created_at, created_by, expires_at, activates_at, grace_ms
  FROM kgc_support.webhook_secrets
  ORDER BY seq DESC`;

export const BY_FINGERPRINT = `SELECT id FROM kgc_support.webhook_secrets WHERE fingerprint = $1`;

/** $7 when it starts signing X-KGC-Signature (NULL: at `secrets activate-webhook`), $8 its rotation's grace. */
export const INSERT = `
  INSERT INTO kgc_support.webhook_secrets (id, secret, fingerprint, source, created_at, created_by, expires_at, activates_at, grace_ms)
  VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)
  RETURNING id, source, fingerprint, created_at, created_by, expires_at, activates_at, grace_ms`;

/**
 * Ends the validity of every secret still valid at $1 (but $3, the one that replaces
 * them), at $2 at the latest. Serialised by the table lock below.
 */
export const RETIRE_VALID = `
  UPDATE kgc_support.webhook_secrets SET expires_at = LEAST(COALESCE(expires_at, $2), $2)
  WHERE (expires_at IS NULL OR expires_at > $1) AND id IS DISTINCT FROM $3`;

/** A secret waiting for its activation (valid at $1, not active at $1): $2 names it, else the newest. */
export const PENDING = `
  SELECT id, source, fingerprint, created_at, created_by, expires_at, activates_at, grace_ms
  FROM kgc_support.webhook_secrets
  WHERE (expires_at IS NULL OR expires_at > $1) AND (activates_at IS NULL OR activates_at > $1)
    AND ($2::text IS NULL OR id = $2)
  ORDER BY seq DESC LIMIT 1`;

export const ACTIVATE = `
  UPDATE kgc_support.webhook_secrets SET activates_at = $2 WHERE id = $1
  RETURNING id, source, fingerprint, created_at, created_by, expires_at, activates_at, grace_ms`;

/** Two rotations at once must not both leave a "current" secret. */
export const LOCK = `LOCK TABLE kgc_support.webhook_secrets IN SHARE ROW EXCLUSIVE MODE`;
