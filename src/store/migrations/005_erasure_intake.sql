-- The daemon starts a GDPR erasure for every customer.deleted event the ERP publishes
-- (by HTTP, the outbox or the CLI). It finds them by publish order through this index,
-- so an event published while the daemon was down, or just before a crash, is still
-- picked up at the next start: the intake never depends on a callback having run.
CREATE INDEX events_customer_deleted_idx ON kgc_support.events (seq) WHERE type = 'customer.deleted';
