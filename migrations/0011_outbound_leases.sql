ALTER TABLE "message_reactions" ADD COLUMN "send_lease_until" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "message_reactions" ADD COLUMN "send_attempt_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_lease_until" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_attempt_id" uuid;--> statement-breakpoint
CREATE INDEX "message_reactions_unsent_idx" ON "message_reactions" USING btree ("updated_at") WHERE "message_reactions"."user_id" is not null and "message_reactions"."provider_message_id" is null;--> statement-breakpoint
CREATE INDEX "messages_outbound_unsent_idx" ON "messages" USING btree ("organization_id","conversation_id","created_at","id") WHERE "messages"."status" = 'queued' and "messages"."direction" = 'outbound' and "messages"."provider_message_id" is null and not "messages"."is_private";