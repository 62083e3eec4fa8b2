/** SQL of the audit log. Rows are append-only; reads go through the (at) and (key_id, at) indexes. */

/**
 * Many rows in one statement, sent as one compact JSON document: an array of rows,
 * each [at (epoch ms), kind, request_id, key_id, actor, method, route, resource_id,
 * status, latency_ms] (jsonb: parsed once, where json would be re-parsed for every
 * field). Encoding ten arrays element by element, or objects with Date
 * fields, cost more CPU than the requests being audited.
 */
export const INSERT_BATCH = `
  INSERT INTO kgc_support.audit_log (at, kind, request_id, key_id, actor, method, route, resource_id, status, latency_ms)
  SELECT to_timestamp((r->>0)::float8 / 1000), r->>1, r->>2, r->>3, r->>4, r->>5, r->>6, r->>7, (r->>8)::int, (r->>9)::real
  FROM jsonb_array_elements($1::jsonb) AS r`;

export const TOUCH_KEYS = `
  UPDATE kgc_support.api_keys k SET last_used_at = u.at
  FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at)
  WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`;

export const SELECT_ROWS = `
  SELECT id, at, kind, request_id, key_id, actor, method, route, resource_id, status, latency_ms
  FROM kgc_support.audit_log
  WHERE at >= $1
    AND ($2::timestamptz IS NULL OR at < $2)
    AND ($3::text IS NULL OR key_id = $3)
    AND ($4::text IS NULL OR route = $4 OR route LIKE $4 || '%')
    AND ($5::text IS NULL OR kind = $5)
    AND ($6::int IS NULL OR status = $6)
    AND ($8::text IS NULL OR resource_id = $8) -- audit_log_resource_at_idx
  ORDER BY at DESC, id DESC
  LIMIT $7`;
