-- Issue 19: erasure reaches the daemon's own copies; retention of every record kind.
--
-- The erasure's sixth step, `store`, erases the customer from the daemon's own data
-- (events in every status, delivery attempts and their stored answers, the audit log's
-- resource ids, booking replies, the ERP outbox rows). It searches by the customer's
-- id, phone, full name and e-mail: name and e-mail are read from the ERP with the phone
-- when the request is recorded (step 1 may delete them), unless another customer shares
-- them, and are cleared with the id when the request completes.
ALTER TABLE kgc_support.gdpr_requests ADD COLUMN lookup_name text;
ALTER TABLE kgc_support.gdpr_requests ADD COLUMN lookup_email text;
ALTER TABLE kgc_support.gdpr_steps DROP CONSTRAINT gdpr_steps_step_check;
ALTER TABLE kgc_support.gdpr_steps ADD CONSTRAINT gdpr_steps_step_check
  CHECK (step IN ('erp', 'webhook', 'memory', 'chatwoot', 'redis', 'store'));
ALTER TABLE kgc_support.gdpr_steps DROP CONSTRAINT gdpr_steps_position_check;
ALTER TABLE kgc_support.gdpr_steps ADD CONSTRAINT gdpr_steps_position_check CHECK (position BETWEEN 1 AND 6);
-- Requests not finished yet get the new step; completed ones keep the five they ran.
INSERT INTO kgc_support.gdpr_steps (request_id, step, position, state)
SELECT id, 'store', 6, 'pending' FROM kgc_support.gdpr_requests WHERE state <> 'completed'
ON CONFLICT DO NOTHING;
