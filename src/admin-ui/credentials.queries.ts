/** SQL of the admin page's credentials (migration 007). */

/** $1 user, $2 hash, $3 now, $4 actor. Returns whether the row is new. */
export const UPSERT = `
  INSERT INTO kgc_support.admin_credentials (username, password_hash, created_at, updated_at, updated_by)
  VALUES ($1, $2, $3, $3, $4)
  ON CONFLICT (username) DO UPDATE SET password_hash = $2, updated_at = $3, updated_by = $4
  RETURNING (xmax = 0) AS created`;

export const BY_USER = `
  SELECT username, password_hash, updated_at FROM kgc_support.admin_credentials WHERE username = $1`;
