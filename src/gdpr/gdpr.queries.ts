/**
 * SQL of the erasure cascade: its own requests and steps (kgc_support), and the
 * erasure of one customer in the ERP contract (kgc_erp). ERP statements delete
 * child rows explicitly rather than relying on ON DELETE CASCADE, so that the
 * counts are exact and an ERP whose foreign keys do not cascade works the same.
 */

const REQUEST_COLUMNS = `id, customer_id, customer_hash, hash_key_id, reason, source, trigger_event_id, erase_mode,
  lookup_phone, phone_shared, lookup_name, lookup_email, state, requested_by, created_at, started_at, finished_at, updated_at, runs, owner,
  lease_until, next_attempt_at`;

export const INSERT_REQUEST = `
  INSERT INTO kgc_support.gdpr_requests
    (id, customer_id, customer_hash, hash_key_id, reason, source, trigger_event_id, erase_mode, lookup_phone, phone_shared,
     lookup_name, lookup_email, state, requested_by, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $13, $14, 'received', $11, $12, $12)
  ON CONFLICT DO NOTHING
  RETURNING id`;

/** One row per step, in order; step 2 may start with the triggering event's id. */
export const INSERT_STEPS = `
  INSERT INTO kgc_support.gdpr_steps (request_id, step, position, state, ref)
  SELECT $1, s.step, s.position, 'pending', s.ref
  FROM unnest($2::text[], $3::int[], $4::text[]) AS s(step, position, ref)`;

export const REQUEST_BY_ID = `SELECT ${REQUEST_COLUMNS} FROM kgc_support.gdpr_requests WHERE id = $1`;

export const REQUEST_BY_TRIGGER = `SELECT id FROM kgc_support.gdpr_requests WHERE trigger_event_id = $1`;

/** The newest request for a customer (by its keyed hash, all a completed request keeps): DELETE /api/customers is idempotent on it. */
export const LATEST_REQUEST_BY_HASH = `
  SELECT id FROM kgc_support.gdpr_requests WHERE customer_hash = $1 ORDER BY created_at DESC, id DESC LIMIT 1`;

/** The request whose step 2 published this event: the cascade's own customer.deleted coming back. */
export const REQUEST_BY_WEBHOOK_REF = `SELECT request_id AS id FROM kgc_support.gdpr_steps WHERE step = 'webhook' AND ref = $1`;

export const STEPS_OF = `
  SELECT request_id, step, position, state, runs, attempts, counts, detail, ref, started_at, finished_at
  FROM kgc_support.gdpr_steps WHERE request_id = ANY($1::text[]) ORDER BY request_id, position`;

export const LIST_REQUESTS = `
  SELECT ${REQUEST_COLUMNS} FROM kgc_support.gdpr_requests
  WHERE ($1::text IS NULL OR customer_hash = $1) AND ($2::text IS NULL OR state = $2)
  ORDER BY created_at DESC, id DESC
  LIMIT $3`;

/**
 * Takes the request for one runner. Only one of several racing runners gets the row:
 * the WHERE clause is re-checked under the row lock. A running request is taken over
 * when its lease ran out, or when its owner ($5) is known to be dead.
 */
export const CLAIM = `
  UPDATE kgc_support.gdpr_requests
  SET state = 'running', owner = $2, lease_until = $3, runs = runs + 1, started_at = COALESCE(started_at, $4),
      updated_at = $4, next_attempt_at = NULL
  WHERE id = $1
    AND (state IN ('received', 'partial', 'failed')
         OR (state = 'running' AND (lease_until < $4 OR owner = $5::text)))
  RETURNING ${REQUEST_COLUMNS}`;

export const HEARTBEAT = `UPDATE kgc_support.gdpr_requests SET lease_until = $3 WHERE id = $1 AND owner = $2`;

/** A finished step (done, skipped) is never started again, whatever the caller believes. */
export const STEP_START = `
  UPDATE kgc_support.gdpr_steps SET state = 'running', runs = runs + 1, started_at = $3, finished_at = NULL
  WHERE request_id = $1 AND step = $2 AND state NOT IN ('done', 'skipped')
  RETURNING runs`;

export const STEP_ATTEMPT = `UPDATE kgc_support.gdpr_steps SET attempts = attempts + 1 WHERE request_id = $1 AND step = $2`;

export const STEP_FINISH = `
  UPDATE kgc_support.gdpr_steps SET state = $3, counts = $4::jsonb, detail = $5, finished_at = $6
  WHERE request_id = $1 AND step = $2`;

/** Step 2 records its event id before publishing, so a resumed run publishes the same event, never a second one. */
export const STEP_SET_REF = `
  UPDATE kgc_support.gdpr_steps SET ref = COALESCE(ref, $3) WHERE request_id = $1 AND step = $2 RETURNING ref`;

/** Ends a run. A completed request forgets the customer id and what it looked them up by: the hash stays. */
export const FINISH_RUN = `
  UPDATE kgc_support.gdpr_requests
  SET state = $3, finished_at = $4, updated_at = $4, next_attempt_at = $5, owner = NULL, lease_until = NULL,
      customer_id = CASE WHEN $3 = 'completed' THEN NULL ELSE customer_id END,
      lookup_phone = CASE WHEN $3 = 'completed' THEN NULL ELSE lookup_phone END,
      lookup_name = CASE WHEN $3 = 'completed' THEN NULL ELSE lookup_name END,
      lookup_email = CASE WHEN $3 = 'completed' THEN NULL ELSE lookup_email END
  WHERE id = $1 AND owner = $2`;

/**
 * For the daemon's sweep: partial requests that are due, running ones whose lease ran out
 * (gdpr_requests_due_idx, gdpr_requests_running_idx), and received ones never taken since
 * $3 (their first run failed before it could take them: the store stalled or went away).
 */
export const DUE_REQUESTS = `
  SELECT id FROM kgc_support.gdpr_requests WHERE state = 'partial' AND next_attempt_at <= $1
  UNION
  SELECT id FROM kgc_support.gdpr_requests WHERE state = 'running' AND lease_until < $1
  UNION
  SELECT id FROM kgc_support.gdpr_requests WHERE state = 'received' AND created_at < $3
  LIMIT $2`;

/** Running requests still under lease: taken over at once when their owner process is dead (a killed daemon). */
export const LEASED_REQUESTS = `
  SELECT id, owner FROM kgc_support.gdpr_requests WHERE state = 'running' AND lease_until >= $1 LIMIT $2`;

// ---- The ERP contract (ctx.erp) -------------------------------------------------

/**
 * What the customer is looked up by once step 1 may have erased it: the phone (step 4's
 * Chatwoot match, step 6's search), the name and the e-mail (step 6), each with whether
 * another customer shares it (then it is never used: it would find the other one too).
 */
export const CUSTOMER_SNAPSHOT = `
  SELECT c.phone, c.name, c.email,
    EXISTS (SELECT 1 FROM kgc_erp.customers o WHERE o.phone = c.phone AND o.id <> c.id) AS shared,
    EXISTS (SELECT 1 FROM kgc_erp.customers o WHERE lower(o.name) = lower(c.name) AND o.id <> c.id) AS name_shared,
    EXISTS (SELECT 1 FROM kgc_erp.customers o WHERE lower(o.email) = lower(c.email) AND o.id <> c.id) AS email_shared
  FROM kgc_erp.customers c WHERE c.id = $1`;

/**
 * What the ERP still holds of a customer. $2 is the lookup phone (NULL when unknown
 * or shared): appointments booked by phone without a customer link keep copies of it.
 */
export const ERP_TRACES = `
  SELECT
    (SELECT count(*) FROM kgc_erp.customers WHERE id = $1)::int AS customers,
    (SELECT count(*) FROM kgc_erp.customers WHERE id = $1
       AND NOT (name = $3 AND phone IS NULL AND email IS NULL AND id_card_number IS NULL
                AND (is_business OR (company IS NULL AND tax_number IS NULL))))::int AS customers_identifiable,
    (SELECT count(*) FROM kgc_erp.rentals WHERE customer_id = $1)::int AS rentals,
    (SELECT count(*) FROM kgc_erp.worklogs WHERE customer_id = $1)::int AS worklogs,
    (SELECT count(*) FROM kgc_erp.orders WHERE customer_id = $1)::int AS orders,
    (SELECT count(*) FROM kgc_erp.order_items i JOIN kgc_erp.orders o ON o.id = i.order_id WHERE o.customer_id = $1)::int AS order_items,
    (SELECT count(*) FROM kgc_erp.appointments WHERE customer_id = $1)::int AS appointments,
    (SELECT count(*) FROM kgc_erp.appointments WHERE customer_id = $1
       AND (customer_name IS NOT NULL OR customer_phone IS NOT NULL OR note IS NOT NULL))::int AS appointments_identifiable,
    (SELECT count(*) FROM kgc_erp.appointments WHERE customer_id IS NULL AND $2::text IS NOT NULL AND customer_phone = $2::text)::int AS unlinked_appointments`;

export const DELETE_APPOINTMENTS = `DELETE FROM kgc_erp.appointments WHERE customer_id = $1`;
export const DELETE_ORDER_ITEMS = `DELETE FROM kgc_erp.order_items WHERE order_id IN (SELECT id FROM kgc_erp.orders WHERE customer_id = $1)`;
export const DELETE_ORDERS = `DELETE FROM kgc_erp.orders WHERE customer_id = $1`;
export const DELETE_WORKLOGS = `DELETE FROM kgc_erp.worklogs WHERE customer_id = $1`;
export const DELETE_RENTALS = `DELETE FROM kgc_erp.rentals WHERE customer_id = $1`;
export const DELETE_CUSTOMER = `DELETE FROM kgc_erp.customers WHERE id = $1`;

/**
 * Anonymise: the row stays (invoices keep their customer id for the legal retention),
 * its person goes. A business keeps its company name and tax number (a legal
 * person's invoice data); a private person's tax number and ID card number go.
 */
export const ANONYMISE_CUSTOMER = `
  UPDATE kgc_erp.customers
  SET name = $2, phone = NULL, email = NULL, id_card_number = NULL,
      company = CASE WHEN is_business THEN company ELSE NULL END,
      tax_number = CASE WHEN is_business THEN tax_number ELSE NULL END
  WHERE id = $1
    AND NOT (name = $2 AND phone IS NULL AND email IS NULL AND id_card_number IS NULL
             AND (is_business OR (company IS NULL AND tax_number IS NULL)))`;

/** The copies of name and phone an appointment keeps (and its free-text note). */
export const ANONYMISE_APPOINTMENTS = `
  UPDATE kgc_erp.appointments SET customer_name = NULL, customer_phone = NULL, note = NULL
  WHERE customer_id = $1 AND (customer_name IS NOT NULL OR customer_phone IS NOT NULL OR note IS NOT NULL)`;

export const ANONYMISE_UNLINKED_APPOINTMENTS = `
  UPDATE kgc_erp.appointments SET customer_name = NULL, customer_phone = NULL, note = NULL
  WHERE customer_id IS NULL AND customer_phone = $1`;

/** Replies of the booking endpoint kept for Idempotency-Key replays (kgc_support, a day) name the customer. */
export const DELETE_BOOKING_REPLIES = `DELETE FROM kgc_support.idempotency WHERE response->>'customer_id' = $1`;
export const COUNT_BOOKING_REPLIES = `SELECT count(*)::int AS n FROM kgc_support.idempotency WHERE response->>'customer_id' = $1`;

// ---- Step 6: the daemon's own copies (kgc_support, and the ERP's outbox) ----------
// $1 is always the customer's pattern (src/privacy/needles.ts, PostgreSQL flavour).
// These scan their tables: an erasure is rare, and a pattern of phone forms and whole
// words cannot use an index.

/** The `customer` objects of events and outbox rows about the customer: more phones, names and e-mails to search for. */
export const EVENT_CUSTOMERS = `
  SELECT DISTINCT data->'customer' AS customer FROM kgc_support.events
  WHERE jsonb_typeof(data->'customer') = 'object' AND data->'customer'->>'id' = $1`;
export const OUTBOX_CUSTOMERS = `
  SELECT DISTINCT data->'customer' AS customer FROM kgc_erp.support_outbox
  WHERE jsonb_typeof(data->'customer') = 'object' AND data->'customer'->>'id' = $1`;

/** Which of these phones, names and e-mails another ERP customer has (those are never searched for). */
export const SHARED_DETAILS = `
  SELECT phone, lower(name) AS name, lower(email) AS email FROM kgc_erp.customers
  WHERE id <> $1 AND (phone = ANY($2::text[]) OR lower(name) = ANY($3::text[]) OR lower(email) = ANY($4::text[]))`;

export const EVENTS_MENTIONING = `
  SELECT id, type, status, occurred_at, data, last_error FROM kgc_support.events
  WHERE id ~ $1 OR data::text ~ $1 OR body ~ $1 OR coalesce(last_error, '') ~ $1
  ORDER BY seq`;

/** Attempts of those events ($2), and any other whose stored answer or error names the customer. */
export const ATTEMPTS_MENTIONING = `
  SELECT event_id, attempt, url, response, error FROM kgc_support.delivery_attempts
  WHERE event_id = ANY($2::text[]) OR url ~ $1 OR coalesce(response, '') ~ $1 OR coalesce(error, '') ~ $1`;

export const DELETE_EVENTS = `DELETE FROM kgc_support.events WHERE id = ANY($1::text[])`;
export const DELETE_ATTEMPTS_OF = `DELETE FROM kgc_support.delivery_attempts WHERE event_id = ANY($1::text[])`;

/**
 * Anonymise: the rows stay (ids, times, outcomes), the person goes. What was still to
 * be sent (pending, dead, rejected) is never sent now: skipped, out of the queue and the DLQ.
 */
export const REDACT_EVENTS = `
  UPDATE kgc_support.events e SET data = u.data::jsonb, body = u.body, last_error = u.last_error,
    status = CASE WHEN e.status IN ('pending', 'dead', 'rejected') THEN 'skipped' ELSE e.status END,
    run_at = CASE WHEN e.status = 'pending' THEN NULL ELSE e.run_at END, locked_by = NULL
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, data, body, last_error)
  WHERE e.id = u.id`;

export const REDACT_ATTEMPTS = `
  UPDATE kgc_support.delivery_attempts a SET url = u.url, response = u.response, error = u.error
  FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[]) AS u(event_id, attempt, url, response, error)
  WHERE a.event_id = u.event_id AND a.attempt = u.attempt`;

/** The audit log keeps its rows: a row about the customer names the erasure request ($2) instead. */
export const PSEUDONYMISE_AUDIT = `UPDATE kgc_support.audit_log SET resource_id = $2 WHERE resource_id ~ $1`;

/** Replies kept for Idempotency-Key replays that name the customer. */
export const DELETE_REPLIES_MENTIONING = `
  DELETE FROM kgc_support.idempotency WHERE idem_key ~ $1 OR response::text ~ $1`;

export const OUTBOX_MENTIONING = `
  SELECT seq, id, event, data, occurred_at FROM kgc_erp.support_outbox WHERE id ~ $1 OR data::text ~ $1`;
export const DELETE_OUTBOX_ROWS = `DELETE FROM kgc_erp.support_outbox WHERE seq = ANY($1::bigint[])`;

/** Every text-like column of the daemon's tables: the verification searches them all. */
export const TEXT_COLUMNS = `
  SELECT table_name AS t, column_name AS c FROM information_schema.columns
  WHERE table_schema = $1 AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'character')
  ORDER BY table_name, ordinal_position`;

/** The state of a request's webhook step (step 6 waits for it before erasing the customer.deleted event). */
export const WEBHOOK_STEP = `
  SELECT state, ref FROM kgc_support.gdpr_steps WHERE request_id = $1 AND step = 'webhook'`;

// ---- Access requests (gdpr export): what each system holds, read only -------------

/** Every row of the ERP contract about the customer, each as JSON of all its columns. $2: the unshared phone of unlinked bookings. */
export const ERP_EXPORT = `
  SELECT 'customers' AS tbl, to_jsonb(c) AS row FROM kgc_erp.customers c WHERE c.id = $1
  UNION ALL SELECT 'rentals', to_jsonb(r) FROM kgc_erp.rentals r WHERE r.customer_id = $1
  UNION ALL SELECT 'worklogs', to_jsonb(w) FROM kgc_erp.worklogs w WHERE w.customer_id = $1
  UNION ALL SELECT 'orders', to_jsonb(o) FROM kgc_erp.orders o WHERE o.customer_id = $1
  UNION ALL SELECT 'order_items', to_jsonb(i) FROM kgc_erp.order_items i
    JOIN kgc_erp.orders o ON o.id = i.order_id WHERE o.customer_id = $1
  UNION ALL SELECT 'appointments', to_jsonb(a) FROM kgc_erp.appointments a
    WHERE a.customer_id = $1 OR (a.customer_id IS NULL AND $2::text IS NOT NULL AND a.customer_phone = $2::text)`;

export const EXPORT_ATTEMPTS = `
  SELECT event_id, attempt, at, url, outcome, status, duration_ms, response, error
  FROM kgc_support.delivery_attempts
  WHERE event_id = ANY($2::text[]) OR url ~ $1 OR coalesce(response, '') ~ $1 OR coalesce(error, '') ~ $1
  ORDER BY event_id, attempt`;
export const EXPORT_EVENTS = `
  SELECT id, type, status, source, occurred_at, created_at, delivered_at, dead_at, data, last_error
  FROM kgc_support.events
  WHERE id ~ $1 OR data::text ~ $1 OR body ~ $1 OR coalesce(last_error, '') ~ $1 ORDER BY seq`;
export const EXPORT_AUDIT = `
  SELECT at, kind, key_id, actor, method, route, resource_id, status FROM kgc_support.audit_log
  WHERE resource_id ~ $1 ORDER BY at, id`;
export const EXPORT_REPLIES = `
  SELECT route, status, response, created_at FROM kgc_support.idempotency
  WHERE idem_key ~ $1 OR response::text ~ $1 ORDER BY created_at`;
export const EXPORT_OUTBOX = `
  SELECT id, event, data, occurred_at, created_at FROM kgc_erp.support_outbox
  WHERE id ~ $1 OR data::text ~ $1 ORDER BY seq`;
