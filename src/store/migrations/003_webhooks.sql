
-- kgc_support: events, their delivery attempts and the webhook signing secrets
-- (DESIGN.md 6). Plus the ERP-side outbox (kgc_erp.support_outbox) for the embedded
-- and the single-database setups; with a separate ERP database the same block (between
-- the BEGIN/END markers) is applied there: `kgc-support events outbox-ddl`.

-- One row per event, from publish to its end (delivered, dead or skipped). The queue
-- is the partial index on run_at: an event is claimable when status = 'pending' and
-- run_at <= now. A claim pushes run_at forward by the lease (a visibility timeout), so
-- the events a killed daemon had in flight become claimable again when it runs out.
-- Indexes are kept few on purpose: every delivery updates its row twice (claim and
-- settle), and each index on a changed row is one more write per update.
CREATE TABLE kgc_support.events (
  id            text PRIMARY KEY,                 -- the event id: webhook-id on every attempt
  seq           bigserial NOT NULL,               -- publish order (ties in run_at)
  type          text NOT NULL,                    -- rental.started, …
  occurred_at   timestamptz NOT NULL,
  data          jsonb NOT NULL,
  body          text NOT NULL,                    -- the exact bytes sent on every attempt
  source        text NOT NULL,                    -- api, outbox, cli, daemon
  status        text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'skipped', 'rejected')),
  run_at        timestamptz,                      -- pending: due time, or end of the current lease
  attempts      integer NOT NULL DEFAULT 0,       -- claims so far; also the fencing token of a claim
  failures      integer NOT NULL DEFAULT 0,       -- failed attempts counted against the retry schedule
  locked_by     text,                             -- the daemon that holds the current claim
  created_at    timestamptz NOT NULL,
  delivered_at  timestamptz,
  dead_at       timestamptz,
  last_status   integer,
  last_error    text,
  replays       integer NOT NULL DEFAULT 0
);
CREATE INDEX events_queue_idx ON kgc_support.events (run_at, seq) WHERE status = 'pending';
-- The dead-letter queue: dead (retries exhausted, or 410) and rejected (an outbox row
-- whose payload failed its schema: stored without its data, never sent).
CREATE INDEX events_dlq_idx ON kgc_support.events (created_at) WHERE status IN ('dead', 'rejected');

-- Every attempt: its HTTP status (NULL when no answer came), how long it took, the
-- first bytes of the answer, the error when there was one. No foreign key (one index
-- probe less per attempt): purge and retention delete an event's attempts with it.
CREATE TABLE kgc_support.delivery_attempts (
  event_id     text NOT NULL,
  attempt      integer NOT NULL,                  -- the claim's number (events.attempts at the time)
  at           timestamptz NOT NULL,
  url          text NOT NULL,
  outcome      text NOT NULL CHECK (outcome IN ('delivered', 'retry', 'dead', 'held')),
  status       integer,
  duration_ms  real NOT NULL,
  response     text,
  error        text,
  worker       text NOT NULL,
  PRIMARY KEY (event_id, attempt)
);

-- Webhook signing secrets. The newest valid one signs X-KGC-Signature; during a
-- rotation's grace period every valid one signs webhook-signature. `fingerprint`
-- (SHA-256 of the secret) lets the daemon recognise SUPPORT_WEBHOOK_SECRET without
-- comparing secrets in logs or output.
CREATE TABLE kgc_support.webhook_secrets (
  id           text PRIMARY KEY,                  -- whs_ + 12 hex
  seq          bigserial NOT NULL,                -- creation order ("newest"), whatever the clock says
  secret       text NOT NULL,
  fingerprint  text NOT NULL UNIQUE,
  source       text NOT NULL,                     -- generated, env, rotation
  created_at   timestamptz NOT NULL,
  created_by   text NOT NULL,
  expires_at   timestamptz                        -- NULL: valid until a rotation retires it
);

-- BEGIN erp-outbox
-- The outbox the ERP writes in its own transaction: an event is published exactly when
-- the business change that caused it commits. The daemon moves rows from here into
-- kgc_support.events (and deletes them); a statement trigger wakes it with NOTIFY.
CREATE SCHEMA IF NOT EXISTS kgc_erp;
CREATE TABLE IF NOT EXISTS kgc_erp.support_outbox (
  seq          bigserial PRIMARY KEY,
  id           text NOT NULL DEFAULT ('evt_' || replace(gen_random_uuid()::text, '-', '')),
  event        text NOT NULL,
  data         jsonb NOT NULL,
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE OR REPLACE FUNCTION kgc_erp.support_outbox_notify() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kgc_support_changes', 'events:outbox');
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS support_outbox_notify ON kgc_erp.support_outbox;
CREATE TRIGGER support_outbox_notify AFTER INSERT ON kgc_erp.support_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION kgc_erp.support_outbox_notify();
-- END erp-outbox
