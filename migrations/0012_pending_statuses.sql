-- Statuses that overtake the send they describe wait here by wamid (applied when the wamid is recorded). Tenant
-- table: row-level security like the others.
CREATE TABLE "pending_statuses" (
	"organization_id" uuid NOT NULL,
	"provider_message_id" text NOT NULL,
	"status" text NOT NULL,
	"event" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "pending_statuses" ADD CONSTRAINT "pending_statuses_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "pending_statuses_org_wamid_status_uq" ON "pending_statuses" USING btree ("organization_id","provider_message_id","status");--> statement-breakpoint
CREATE INDEX "pending_statuses_created_idx" ON "pending_statuses" USING btree ("created_at");--> statement-breakpoint
SELECT conversa_enable_tenant_rls('pending_statuses');
