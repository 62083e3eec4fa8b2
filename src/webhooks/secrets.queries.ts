/** SQL of the webhook signing secrets (a handful of rows; no index worth naming). */

export const VALID = `
  SELECT id, secret, source, created_at, expires_at FROM kgc_support.webhook_secrets
  WHERE expires_at IS NULL OR expires_at > $1
  ORDER BY seq DESC`;

export const LIST = `
  SELECT id, source, fingerprint, created_at, created_by, expires_at FROM kgc_support.webhook_secrets
  ORDER BY seq DESC`;

export const BY_FINGERPRINT = `SELECT id FROM kgc_support.webhook_secrets WHERE fingerprint = $1`;

export const INSERT = `
  INSERT INTO kgc_support.webhook_secrets (id, secret, fingerprint, source, created_at, created_by, expires_at)
  VALUES ($1, $2, $3, $4, $5, $6, NULL)
  RETURNING id, source, fingerprint, created_at, created_by, expires_at`;

/** Ends the validity of every secret still valid at $1, at $2 at the latest. Serialised by the table lock below. */
export const RETIRE_VALID = `
  UPDATE kgc_support.webhook_secrets SET expires_at = LEAST(COALESCE(expires_at, $2), $2)
  WHERE expires_at IS NULL OR expires_at > $1`;

/** Two rotations at once must not both leave a "current" secret. */
export const LOCK = `LOCK TABLE kgc_support.webhook_secrets IN SHARE ROW EXCLUSIVE MODE`;
