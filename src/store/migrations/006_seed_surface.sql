-- Issue 14: what the seed document names and the first releases lacked.
--
-- The audit log gains the kind 'notification': one row per webhook Support accepted,
-- naming the event type and the business id it was about (worklog, order, rental, or
-- the customer of customer.deleted), so `audit --resource M-2025-0123` answers "was
-- Support told?" (seed 9.2). The rows are written by the dispatcher's settle statement,
-- in the same transaction that marks the event delivered.
ALTER TABLE kgc_support.audit_log DROP CONSTRAINT audit_log_kind_check;
ALTER TABLE kgc_support.audit_log ADD CONSTRAINT audit_log_kind_check CHECK (kind IN ('api', 'admin', 'notification'));
-- `audit --resource <id>`: every row about one business object, newest first.
CREATE INDEX audit_log_resource_at_idx ON kgc_support.audit_log (resource_id, at) WHERE resource_id IS NOT NULL;

-- Erasure requests may come from the ERP's own DELETE /api/customers/{id} (seed 2.4, 5.2).
ALTER TABLE kgc_support.gdpr_requests DROP CONSTRAINT gdpr_requests_source_check;
ALTER TABLE kgc_support.gdpr_requests ADD CONSTRAINT gdpr_requests_source_check CHECK (source IN ('cli', 'admin', 'event', 'api'));
-- One API request per customer: a second DELETE (or two racing ones) finds the first.
-- The customer is its keyed hash, the only thing a completed request still holds.
CREATE UNIQUE INDEX gdpr_requests_api_customer_idx ON kgc_support.gdpr_requests (customer_hash) WHERE source = 'api';
