CREATE TYPE "public"."scheduled_message_status" AS ENUM('scheduled', 'sending', 'sent', 'cancelled', 'failed');--> statement-breakpoint
CREATE TABLE "scheduled_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"created_by" uuid,
	"send_at" timestamp (3) with time zone NOT NULL,
	"body" text NOT NULL,
	"template" jsonb,
	"status" "scheduled_message_status" DEFAULT 'scheduled' NOT NULL,
	"message_id" uuid,
	"error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scheduled_messages" ADD CONSTRAINT "scheduled_messages_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_messages" ADD CONSTRAINT "scheduled_messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_messages" ADD CONSTRAINT "scheduled_messages_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_messages" ADD CONSTRAINT "scheduled_messages_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scheduled_messages_due_idx" ON "scheduled_messages" USING btree ("send_at") WHERE "scheduled_messages"."status" in ('scheduled', 'sending');--> statement-breakpoint
CREATE INDEX "scheduled_messages_org_conversation_idx" ON "scheduled_messages" USING btree ("organization_id","conversation_id","send_at");--> statement-breakpoint
-- Tenant isolation like every tenant table (0002); the cron claims due rows as the system, then sends each under its organisation.
SELECT conversa_enable_tenant_rls('scheduled_messages');
