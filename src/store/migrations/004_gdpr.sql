-- kgc_support: GDPR erasure requests (DESIGN.md 9). A request is written before
-- anything is deleted; each of its five steps has a row that records its outcome and
-- counts, so that a request stopped half way resumes from its first unfinished step
-- and a finished step never runs twice. What is kept after completion proves the
-- erasure without keeping the data: the customer is a keyed hash, never a name,
-- phone or e-mail; the customer id and the phone used to find the Chatwoot contact
-- are cleared when the request completes.

CREATE TABLE kgc_support.gdpr_requests (
  id                text PRIMARY KEY,               -- gdpr_ + 20 hex
  customer_id       text,                           -- needed to resume; NULL once completed
  customer_hash     text NOT NULL,                  -- hex HMAC-SHA256(receipt key, customer id)
  hash_key_id       text NOT NULL,                  -- which receipt key made the hash (its fingerprint)
  reason            text NOT NULL,                  -- user_request, retention_expired, …
  source            text NOT NULL CHECK (source IN ('cli', 'admin', 'event')),
  trigger_event_id  text UNIQUE,                    -- the ERP's customer.deleted event that started it
  erase_mode        text NOT NULL CHECK (erase_mode IN ('delete', 'anonymise')),
  lookup_phone      text,                           -- step 4's phone match, snapshot before step 1; NULL once completed
  phone_shared      boolean NOT NULL DEFAULT false, -- another ERP customer has that phone: never matched by phone
  state             text NOT NULL CHECK (state IN ('received', 'running', 'completed', 'partial', 'failed')),
  requested_by      text NOT NULL,
  created_at        timestamptz NOT NULL,
  started_at        timestamptz,
  finished_at       timestamptz,                    -- set when completed; the last run's end otherwise
  updated_at        timestamptz NOT NULL,
  runs              integer NOT NULL DEFAULT 0,     -- how many times a runner took the request
  owner             text,                           -- the runner holding it: "<pid>@<host>"
  lease_until       timestamptz,                    -- a running request whose lease ran out may be taken over
  next_attempt_at   timestamptz                     -- partial: when the daemon retries it by itself
);
-- The daemon's retry sweep: partial requests that are due, and running ones whose lease ran out.
CREATE INDEX gdpr_requests_due_idx ON kgc_support.gdpr_requests (next_attempt_at) WHERE state = 'partial';
CREATE INDEX gdpr_requests_running_idx ON kgc_support.gdpr_requests (lease_until) WHERE state = 'running';
-- "Was this customer erased?": `gdpr status --customer <id>` hashes the id and looks here.
CREATE INDEX gdpr_requests_hash_idx ON kgc_support.gdpr_requests (customer_hash);
CREATE INDEX gdpr_requests_created_idx ON kgc_support.gdpr_requests (created_at);

CREATE TABLE kgc_support.gdpr_steps (
  request_id       text NOT NULL REFERENCES kgc_support.gdpr_requests (id) ON DELETE CASCADE,
  step             text NOT NULL CHECK (step IN ('erp', 'webhook', 'memory', 'chatwoot', 'redis')),
  position         integer NOT NULL CHECK (position BETWEEN 1 AND 5),
  state            text NOT NULL CHECK (state IN ('pending', 'running', 'done', 'skipped', 'retry', 'failed')),
  runs             integer NOT NULL DEFAULT 0,      -- times a runner started the step
  attempts         integer NOT NULL DEFAULT 0,      -- executions of its body, retries included
  counts           jsonb NOT NULL DEFAULT '{}',     -- what it erased: {"files": 1}, {"customers": 1, "rentals": 2}, …
  detail           text,                            -- the outcome in words; never personal data
  ref              text,                            -- step 2: the customer.deleted event id (set before publishing)
  started_at       timestamptz,
  finished_at      timestamptz,
  PRIMARY KEY (request_id, step)
);

-- The key of the receipts' customer hash when KGC_GDPR_RECEIPT_KEY is not set:
-- generated once, kept here. One row.
CREATE TABLE kgc_support.gdpr_receipt_key (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  secret      text NOT NULL,                      -- base64, 32 random bytes
  created_at  timestamptz NOT NULL
);
