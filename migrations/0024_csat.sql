CREATE TABLE "csat_responses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"agent_id" uuid,
	"channel_id" uuid NOT NULL,
	"asked_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"rating" integer,
	"comment" text,
	"answered_at" timestamp (3) with time zone,
	"commented_at" timestamp (3) with time zone,
	"expires_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "csat_responses_rating_ck" CHECK ("csat_responses"."rating" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "csat" jsonb;--> statement-breakpoint
ALTER TABLE "csat_responses" ADD CONSTRAINT "csat_responses_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_responses" ADD CONSTRAINT "csat_responses_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_responses" ADD CONSTRAINT "csat_responses_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_responses" ADD CONSTRAINT "csat_responses_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "csat_responses_conversation_uq" ON "csat_responses" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "csat_responses_org_agent_idx" ON "csat_responses" USING btree ("organization_id","agent_id","answered_at");--> statement-breakpoint
CREATE INDEX "csat_responses_open_idx" ON "csat_responses" USING btree ("organization_id","channel_id","expires_at") WHERE "csat_responses"."commented_at" is null;
--> statement-breakpoint
-- Tenant isolation like every tenant table (0002).
SELECT conversa_enable_tenant_rls('csat_responses');
