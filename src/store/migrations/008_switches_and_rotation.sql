-- Issue 21: a capability of the Support module switched off alone while the module
-- stays on (seed 4.2 books appointments "ha engedélyezett", if enabled). One row per
-- capability that was ever switched; no row means on. The names are the code's
-- (src/plugin/plugin.schema.ts CAPABILITIES), checked there, so that a new capability
-- needs no migration.
CREATE TABLE kgc_support.capability_switches (
  capability text PRIMARY KEY CHECK (capability ~ '^[a-z][a-z0-9-]{0,31}$'),
  enabled    boolean NOT NULL,
  changed_at timestamptz NOT NULL,
  changed_by text NOT NULL
);

-- A rotation that is withdrawn (the one-command rotation of an installed franchise rolls
-- back when the consumer does not come back) gives the old key its expiry back: kept here
-- when the rotation shortened it to the grace period.
ALTER TABLE kgc_support.api_keys ADD COLUMN expires_before_rotation timestamptz;
