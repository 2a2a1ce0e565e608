-- Retention exclusions (issue 21 §3, worker/jobs/retention.ts): legal holds with their history, messages marked
-- important, and what each exclusion kept on every retention run.
CREATE TABLE "legal_holds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"placed_by" uuid,
	"placed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"lifted_by" uuid,
	"lifted_at" timestamp (3) with time zone,
	"lift_reason" text
);
--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_placed_by_users_id_fk" FOREIGN KEY ("placed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_lifted_by_users_id_fk" FOREIGN KEY ("lifted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "legal_holds_org_conversation_idx" ON "legal_holds" USING btree ("organization_id","conversation_id","placed_at");--> statement-breakpoint
-- At most one hold in force per conversation: placing twice is refused, not stacked.
CREATE UNIQUE INDEX "legal_holds_active_uq" ON "legal_holds" USING btree ("organization_id","conversation_id") WHERE "legal_holds"."lifted_at" is null;--> statement-breakpoint
SELECT conversa_enable_tenant_rls('legal_holds');
--> statement-breakpoint
-- Holds placed before this table existed (the flag set by hand) get a history row, so lifting them works the same.
INSERT INTO "legal_holds" ("id", "organization_id", "conversation_id", "reason")
SELECT gen_random_uuid(), c.organization_id, c.id, 'retenção legal anterior ao histórico' FROM conversations c WHERE c.legal_hold;
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "important_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "important_by" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_important_by_users_id_fk" FOREIGN KEY ("important_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Retention asks "does this conversation have an important message?" for every candidate: a small partial index.
CREATE INDEX "messages_org_conv_important_idx" ON "messages" USING btree ("organization_id","conversation_id") WHERE "messages"."important_at" is not null;--> statement-breakpoint
-- Retention asks the same about open deals linked to a conversation.
CREATE INDEX "deals_org_conversation_open_idx" ON "deals" USING btree ("organization_id","conversation_id") WHERE "deals"."status" = 'open' and "deals"."deleted_at" is null and "deals"."conversation_id" is not null;--> statement-breakpoint
ALTER TABLE "retention_runs" ADD COLUMN "kept_legal_hold" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "retention_runs" ADD COLUMN "kept_important" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "retention_runs" ADD COLUMN "kept_open_deal" integer DEFAULT 0 NOT NULL;
