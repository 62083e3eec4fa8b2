-- Issue 13: the admin page (/admin). Its login credential: a user name and the scrypt
-- hash of a password the CLI generated and printed once (`kgc-support admin password`).
-- The password itself is never stored. `updated_at` changes on every reset, which ends
-- every session opened with the previous password.
CREATE TABLE kgc_support.admin_credentials (
  username      text PRIMARY KEY CHECK (username ~ '^[a-z][a-z0-9._-]{0,31}$'),
  password_hash text NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  updated_by    text NOT NULL
);

-- The page's "recent events": newest first by publish order, read through this index
-- instead of a sort of the whole table. seq never changes, so deliveries keep their
-- HOT updates; an insert pays one more index entry.
CREATE INDEX events_seq_idx ON kgc_support.events (seq);
