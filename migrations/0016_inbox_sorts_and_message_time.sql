-- conversations_org_status_activity_idx exists since 0015 (hand-written); the schema now declares it too.
ALTER TABLE "conversations" ADD COLUMN "waiting_since" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "conversations_org_activity_idx" ON "conversations" USING btree ("organization_id",(coalesce("last_message_at", "created_at")) desc,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "conversations_org_waiting_idx" ON "conversations" USING btree ("organization_id",coalesce("waiting_since", '9999-12-31 23:59:59.999+00'::timestamptz),"id");--> statement-breakpoint
CREATE INDEX "conversations_org_created_idx" ON "conversations" USING btree ("organization_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "messages_org_conv_time_idx" ON "messages" USING btree ("organization_id","conversation_id",coalesce("provider_timestamp", "created_at") desc,"id" DESC NULLS FIRST);--> statement-breakpoint
-- Conversations waiting for an answer now: since their first customer message after the last reply sent to them.
UPDATE "conversations" c SET "waiting_since" = w.since
  FROM (
    SELECT m.conversation_id, min(coalesce(m.provider_timestamp, m.created_at)) AS since
      FROM "messages" m
     WHERE m.direction = 'inbound' AND m.deleted_at IS NULL
       AND coalesce(m.provider_timestamp, m.created_at) > coalesce((
             SELECT max(o.created_at) FROM "messages" o
              WHERE o.organization_id = m.organization_id AND o.conversation_id = m.conversation_id
                AND o.direction = 'outbound' AND NOT o.is_private
           ), '-infinity'::timestamptz)
     GROUP BY m.conversation_id
  ) w
 WHERE c.id = w.conversation_id AND c.deleted_at IS NULL;
