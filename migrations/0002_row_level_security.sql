-- Row-level security for every tenant table. Tenant work runs `SET LOCAL ROLE app_user` (not the owner, so RLS
-- always applies) with `app.org_id` set for the transaction (worker/db/tx.ts). Without app.org_id a tenant query
-- sees and writes nothing. The owner role (migrations, auth, webhook routing, cron) is not subject to RLS.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user') THEN
    CREATE ROLE app_user NOLOGIN;
  END IF;
END
$$;
--> statement-breakpoint
GRANT app_user TO CURRENT_USER;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO app_user;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_user;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO app_user;
--> statement-breakpoint
-- Later migrations call this for each new tenant table (a test checks none is missed).
-- A pooled connection that once had app.org_id set returns '' rather than NULL, hence nullif.
CREATE OR REPLACE FUNCTION conversa_enable_tenant_rls(tbl regclass) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s '
    'USING (organization_id = nullif(current_setting(''app.org_id'', true), '''')::uuid) '
    'WITH CHECK (organization_id = nullif(current_setting(''app.org_id'', true), '''')::uuid)',
    tbl);
END
$fn$;
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('memberships');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('invitations');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('channels');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('contacts');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('labels');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('contact_labels');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('conversations');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('conversation_labels');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('messages');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('message_reactions');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('pipelines');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('pipeline_stages');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('deals');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('deal_stage_history');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('canned_responses');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('message_templates');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('retention_runs');
