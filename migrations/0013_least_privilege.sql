-- Least privilege for tenant work (issue 14). Until now app_user — the role every tenant transaction runs as
-- (worker/db/tx.ts withOrg) — could read and write every table, including users.password_hash, sessions, password
-- resets and the mail outbox, and the tables whose organization_id may be null had no RLS. Now:
--   * auth and platform tables (sessions, password_resets, mail_outbox, unroutable_events): no access at all;
--     they are the owner's (asSystem) business;
--   * users: SELECT on every column but password_hash, only rows of members of the current organisation (and
--     platform super admins, who may act in it);
--   * organizations: SELECT and UPDATE of the current organisation's row only;
--   * audit_logs: SELECT and INSERT (append only), dead_letters: SELECT and UPDATE, both only for rows of the
--     current organisation — rows without a tenant (platform rows) are seen by nobody but the owner.
REVOKE ALL ON sessions, password_resets, mail_outbox, unroutable_events FROM app_user;
--> statement-breakpoint
REVOKE ALL ON users FROM app_user;
--> statement-breakpoint
GRANT SELECT (id, email, name, locale, is_super_admin, disabled_at, last_login_at, created_at, updated_at) ON users TO app_user;
--> statement-breakpoint
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS members_of_current_org ON users;
--> statement-breakpoint
-- memberships is itself under tenant RLS, so the subquery only finds memberships of app.org_id.
CREATE POLICY members_of_current_org ON users FOR SELECT TO app_user
  USING (is_super_admin OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id));
--> statement-breakpoint
REVOKE ALL ON organizations FROM app_user;
--> statement-breakpoint
GRANT SELECT, UPDATE ON organizations TO app_user;
--> statement-breakpoint
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS current_org ON organizations;
--> statement-breakpoint
CREATE POLICY current_org ON organizations TO app_user
  USING (id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
REVOKE ALL ON audit_logs FROM app_user;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_logs TO app_user;
--> statement-breakpoint
REVOKE ALL ON dead_letters FROM app_user;
--> statement-breakpoint
GRANT SELECT, UPDATE ON dead_letters TO app_user;
--> statement-breakpoint
-- The tenant policy: a null organization_id never equals app.org_id, so platform rows stay invisible to tenants.
SELECT conversa_enable_tenant_rls('audit_logs');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('dead_letters');
