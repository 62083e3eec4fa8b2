-- Issue 21: webhooks on a par with Svix and Convoy.

-- Rotation in two phases. A rotated secret signs webhook-signature at once, but signs
-- X-KGC-Signature (the seed's one-secret header) only from activates_at; NULL means
-- "until `secrets activate-webhook`". The secrets it replaces stay valid until the
-- activation plus grace_ms (its rotation's --grace). Earlier secrets were active from
-- their creation.
ALTER TABLE kgc_support.webhook_secrets
  ADD COLUMN activates_at timestamptz,
  ADD COLUMN grace_ms bigint NOT NULL DEFAULT 0;
UPDATE kgc_support.webhook_secrets SET activates_at = created_at;

-- Tracing: the W3C traceparent a delivery continues (from the ERP's HTTP call or its
-- outbox row; else one the daemon started) and the request id of the call that
-- published the event (NULL for the outbox).
ALTER TABLE kgc_support.events
  ADD COLUMN traceparent text,
  ADD COLUMN request_id text;

-- Subscriptions: an event of a type Support does not receive is recorded as
-- `filtered`: never sent, never retried, never in the DLQ.
ALTER TABLE kgc_support.events DROP CONSTRAINT events_status_check;
ALTER TABLE kgc_support.events ADD CONSTRAINT events_status_check
  CHECK (status IN ('pending', 'delivered', 'dead', 'skipped', 'rejected', 'filtered'));

-- Pause that holds: while paused_at is set nothing is claimed; the event age limit
-- counts from resumed_at for what waited.
ALTER TABLE kgc_support.plugin_state
  ADD COLUMN webhooks_paused_at timestamptz,
  ADD COLUMN webhooks_paused_by text,
  ADD COLUMN webhooks_resumed_at timestamptz;

-- BEGIN erp-outbox
-- The ERP may give an outbox row the W3C traceparent of the transaction that wrote it;
-- the delivery continues that trace.
ALTER TABLE kgc_erp.support_outbox ADD COLUMN IF NOT EXISTS traceparent text;
-- END erp-outbox
