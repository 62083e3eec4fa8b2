-- Issue 19: retention. The daemon's retention job deletes every kind of record past its
-- period (settings KGC_SUPPORT_*_RETENTION) and notes each run here, so that `kgc-support
-- retention` and the health checks can tell when it last ran and what it deleted, from
-- any process. One row per kind and a row '*' for the run as a whole.
CREATE TABLE kgc_support.retention_runs (
  kind        text PRIMARY KEY,
  ran_at      timestamptz NOT NULL,
  ok          boolean NOT NULL,
  deleted     bigint NOT NULL DEFAULT 0,      -- rows deleted by that run
  error       text                            -- why it failed (never data)
);
-- Dead and rejected events go by the time they died.
CREATE INDEX events_dead_at_idx ON kgc_support.events (dead_at) WHERE status IN ('dead', 'rejected');
-- Completed erasure requests go by the time they completed.
CREATE INDEX gdpr_requests_finished_idx ON kgc_support.gdpr_requests (finished_at) WHERE state = 'completed';
