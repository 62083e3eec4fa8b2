/** SQL of the API keys. The hash column is unique (the lookup index of every API call). */

const COLUMNS = `id, name, prefix, scopes, rate_per_sec, rate_burst, created_at, created_by, expires_at,
  revoked_at, revoked_by, rotated_to, rotated_from, last_used_at`;

export const INSERT = `
  INSERT INTO kgc_support.api_keys (id, name, prefix, hash, scopes, rate_per_sec, rate_burst, created_at, created_by, expires_at, rotated_from)
  VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11)
  RETURNING ${COLUMNS}`;

export const BY_ID = `SELECT ${COLUMNS} FROM kgc_support.api_keys WHERE id = $1`;

/** Row lock: rotate and revoke of one key never interleave. */
export const BY_ID_FOR_UPDATE = `SELECT ${COLUMNS} FROM kgc_support.api_keys WHERE id = $1 FOR UPDATE`;

export const BY_HASH = `SELECT ${COLUMNS} FROM kgc_support.api_keys WHERE hash = $1`;

export const LIST = `
  SELECT ${COLUMNS} FROM kgc_support.api_keys
  WHERE $1::boolean OR (revoked_at IS NULL AND expires_at > $2)
  ORDER BY created_at, id`;

export const EXPIRING = `
  SELECT ${COLUMNS} FROM kgc_support.api_keys
  WHERE revoked_at IS NULL AND expires_at > $1 AND expires_at <= $2
  ORDER BY expires_at, id`;

export const REVOKE = `
  UPDATE kgc_support.api_keys SET revoked_at = $2, revoked_by = $3
  WHERE id = $1 AND revoked_at IS NULL
  RETURNING ${COLUMNS}`;

export const MARK_ROTATED = `
  UPDATE kgc_support.api_keys SET rotated_to = $2, expires_at = LEAST(expires_at, $3),
    expires_before_rotation = expires_at
  WHERE id = $1
  RETURNING ${COLUMNS}`;

/** Withdraws a rotation: the old key is active again, with the expiry it had before. */
export const UNMARK_ROTATED = `
  UPDATE kgc_support.api_keys SET rotated_to = NULL,
    expires_at = COALESCE(expires_before_rotation, expires_at), expires_before_rotation = NULL
  WHERE id = $1
  RETURNING ${COLUMNS}`;

/** keys update --rate-limit: NULLs mean the default of the key's scopes. */
export const SET_RATE = `
  UPDATE kgc_support.api_keys SET rate_per_sec = $2, rate_burst = $3
  WHERE id = $1
  RETURNING ${COLUMNS}`;
