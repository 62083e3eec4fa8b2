-- kgc_support: the daemon's own state. API keys, the audit log, the plugin switch
-- and idempotency records of the Pull API's one writing endpoint.

CREATE SCHEMA IF NOT EXISTS kgc_support;

CREATE TABLE kgc_support.api_keys (
  id            text PRIMARY KEY,                 -- key_ + 10 base62
  name          text NOT NULL,
  prefix        text NOT NULL,                    -- first 12 characters, for display only
  hash          text NOT NULL UNIQUE,             -- SHA-256 (hex) of the whole key; the key itself is never stored
  scopes        text[] NOT NULL CHECK (cardinality(scopes) > 0),
  rate_per_sec  double precision,                 -- NULL: the daemon default
  rate_burst    integer,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  revoked_by    text,
  rotated_to    text REFERENCES kgc_support.api_keys (id),
  rotated_from  text REFERENCES kgc_support.api_keys (id),
  last_used_at  timestamptz
);
CREATE INDEX api_keys_expiring_idx ON kgc_support.api_keys (expires_at) WHERE revoked_at IS NULL;

-- One row per API call (kind 'api') and per state change made by an admin (kind 'admin').
-- Never a key, never a phone number or a name: ids only.
CREATE TABLE kgc_support.audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('api', 'admin')),
  request_id  text,
  key_id      text,
  actor       text,
  method      text,
  route       text NOT NULL,                      -- route pattern (/api/rentals/:rental_id/status) or action (keys.revoke)
  resource_id text,
  status      integer,
  latency_ms  real
);
CREATE INDEX audit_log_at_idx ON kgc_support.audit_log (at);
CREATE INDEX audit_log_key_at_idx ON kgc_support.audit_log (key_id, at);

-- The module switch: one row. env_seen remembers the SUPPORT_MODULE_ENABLED value last
-- applied at boot, so that a changed environment wins once and a runtime switch is kept.
CREATE TABLE kgc_support.plugin_state (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  enabled     boolean NOT NULL,
  env_seen    text,
  changed_at  timestamptz NOT NULL,
  changed_by  text NOT NULL
);

-- Idempotency-Key records: the first response to a (key, Idempotency-Key) pair is
-- replayed to every retry; a different body under the same key is refused.
CREATE TABLE kgc_support.idempotency (
  key_id        text NOT NULL,
  idem_key      text NOT NULL,
  route         text NOT NULL,
  request_hash  text NOT NULL,
  status        integer NOT NULL,
  response      jsonb NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (key_id, idem_key)
);
CREATE INDEX idempotency_created_idx ON kgc_support.idempotency (created_at);
