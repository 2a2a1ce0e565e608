-- The inbox's order (worker/domain/conversations.ts listConversations): latest message first, keyset on
-- (coalesce(last_message_at, created_at), id) within an organisation and status. An expression index drizzle's
-- schema cannot describe, hence this hand-written migration.
CREATE INDEX IF NOT EXISTS "conversations_org_status_activity_idx" ON "conversations" ("organization_id", "status", (coalesce("last_message_at", "created_at")) DESC, "id" DESC);
