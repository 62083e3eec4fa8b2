/** SQL of the privacy layer: the receipt key, and which customers have an erasure request. */

export const RECEIPT_KEY = `SELECT secret FROM kgc_support.gdpr_receipt_key`;
export const INSERT_RECEIPT_KEY = `INSERT INTO kgc_support.gdpr_receipt_key (secret, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`;

/** The newest erasure request of each of these customers (by keyed hash; gdpr_requests_hash_idx). */
export const REQUESTS_BY_HASHES = `
  SELECT DISTINCT ON (customer_hash) customer_hash, id
  FROM kgc_support.gdpr_requests WHERE customer_hash = ANY($1::text[])
  ORDER BY customer_hash, created_at DESC`;
