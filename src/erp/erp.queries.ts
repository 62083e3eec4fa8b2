/**
 * SQL of the ERP read contract. Queries name their columns: nothing is selected
 * that a response does not need (tax_number, id_card_number and balance never are).
 */

/** Uses idx_customer_phone; the counts use the partial indexes on open rentals and repairs. */
export const CUSTOMERS_BY_PHONE = `
  SELECT c.id, c.name, c.phone, c.email, c.company, c.is_business, c.payment_status,
    (SELECT count(*) FROM kgc_erp.rentals r WHERE r.customer_id = c.id AND r.status = 'active')::int AS active_rentals,
    (SELECT count(*) FROM kgc_erp.worklogs w WHERE w.customer_id = c.id AND w.status <> 'átadva')::int AS pending_repairs
  FROM kgc_erp.customers c
  WHERE c.phone = $1
  ORDER BY c.id
  LIMIT 10`;

/** Uses idx_customer_phone: the ids behind a few E.164 phones (seed-form events). */
export const CUSTOMER_IDS_BY_PHONES = `
  SELECT phone, array_agg(id ORDER BY id) AS ids FROM kgc_erp.customers WHERE phone = ANY($1::text[]) GROUP BY phone`;

/**
 * Trigram candidates: \`%\` uses the GIN index on fold(name) (accent- and case-free)
 * with pg_trgm.similarity_threshold; phone matches are exact.
 */
export const DUPLICATE_CANDIDATES = `
  SELECT c.id, c.name, c.phone, c.email,
    CASE WHEN $1::text IS NULL THEN 0 ELSE similarity(kgc_erp.fold(c.name), kgc_erp.fold($1::text)) END AS name_similarity,
    ($2::text IS NOT NULL AND c.phone = $2::text) AS phone_match
  FROM kgc_erp.customers c
  WHERE ($1::text IS NOT NULL AND kgc_erp.fold(c.name) % kgc_erp.fold($1::text))
     OR ($2::text IS NOT NULL AND c.phone = $2::text)
  LIMIT 200`;

export const RENTAL_STATUS = `
  SELECT r.id, r.customer_id, c.phone AS customer_phone, m.name AS machine_name, r.rental_start, r.rental_end, r.returned_on, r.status
  FROM kgc_erp.rentals r
  JOIN kgc_erp.customers c ON c.id = r.customer_id
  JOIN kgc_erp.machines m ON m.id = r.machine_id
  WHERE r.id = $1`;

export const WORKLOG_STATUS = `
  SELECT w.id, w.machine_name, w.status, w.estimated_completion, w.quote_amount, w.quote_accepted, w.technician_notes,
    c.id AS customer_id, c.name AS customer_name, c.phone AS customer_phone
  FROM kgc_erp.worklogs w
  JOIN kgc_erp.customers c ON c.id = w.customer_id
  WHERE w.id = $1`;

export const ORDER_STATUS = `
  SELECT o.id, o.customer_id, o.status, o.estimated_arrival, o.arrived_at, o.notification_sent, c.phone AS customer_phone,
    COALESCE((SELECT json_agg(json_build_object('sku', i.sku, 'name', i.name, 'quantity', i.quantity, 'status', i.status) ORDER BY i.line_no)
              FROM kgc_erp.order_items i WHERE i.order_id = o.id), '[]'::json) AS items
  FROM kgc_erp.orders o
  JOIN kgc_erp.customers c ON c.id = o.customer_id
  WHERE o.id = $1`;

/** Every location for the product (zero stock included), or the one asked for by id or city. */
export const INVENTORY = `
  SELECT p.sku, p.name, l.id AS location_id, l.name AS location_name, l.city,
    COALESCE(i.quantity, 0)::int AS quantity, COALESCE(i.reserved, 0)::int AS reserved
  FROM kgc_erp.products p
  CROSS JOIN kgc_erp.locations l
  LEFT JOIN kgc_erp.inventory i ON i.sku = p.sku AND i.location_id = l.id
  WHERE p.sku = $1 AND ($2::text IS NULL OR l.id = $2::text OR kgc_erp.fold(l.city) = kgc_erp.fold($2::text))
  ORDER BY l.id`;

export const PRODUCT_EXISTS = `SELECT 1 FROM kgc_erp.products WHERE sku = $1`;

export const LOCATION = `
  SELECT id, name, opens_at::text AS opens_at, closes_at::text AS closes_at, open_days, slot_minutes
  FROM kgc_erp.locations WHERE id = $1`;

export const CUSTOMER_BY_ID = `SELECT id, name, phone FROM kgc_erp.customers WHERE id = $1`;

export const WORKLOG_OWNER = `SELECT customer_id FROM kgc_erp.worklogs WHERE id = $1`;

/**
 * The partial unique index appointments_one_per_slot decides who gets a slot; the
 * unique idempotency_ref makes a retried booking find its own earlier row.
 */
export const BOOK_APPOINTMENT = `
  INSERT INTO kgc_erp.appointments
    (id, location_id, slot_start, slot_minutes, customer_id, customer_name, customer_phone, worklog_id, machine, note, idempotency_ref, created_at)
  VALUES ('A-' || $11::text || '-' || lpad(nextval('kgc_erp.appointment_seq')::text, 6, '0'),
          $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12)
  ON CONFLICT DO NOTHING
  RETURNING id, location_id, slot_start, slot_minutes, customer_id, status, idempotency_ref`;

export const APPOINTMENT_BY_ID = `
  SELECT id, location_id, slot_start, slot_minutes, customer_id, status, idempotency_ref
  FROM kgc_erp.appointments WHERE id = $1`;

export const APPOINTMENT_BY_REF = `
  SELECT id, location_id, slot_start, slot_minutes, customer_id, status, idempotency_ref
  FROM kgc_erp.appointments WHERE idempotency_ref = $1`;
