-- The audit entries about one contact, conversation or deal are read by the LGPD export (data-export-steps.ts) and
-- scrubbed by erasure (erasure-copies.ts); without this index each was a scan of the organisation's whole log.
CREATE INDEX IF NOT EXISTS "audit_logs_org_target_idx" ON "audit_logs" USING btree ("organization_id","target_id");
