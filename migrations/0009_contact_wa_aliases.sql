-- WhatsApp ids of merged-away contacts, so their number keeps reaching the kept contact (ingest looks here when no
-- contact has the wa_id). Tenant table: row-level security like the others.
CREATE TABLE "contact_wa_aliases" (
	"organization_id" uuid NOT NULL,
	"wa_id" text NOT NULL,
	"contact_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_wa_aliases_pk" PRIMARY KEY("organization_id","wa_id")
);
--> statement-breakpoint
ALTER TABLE "contact_wa_aliases" ADD CONSTRAINT "contact_wa_aliases_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_wa_aliases" ADD CONSTRAINT "contact_wa_aliases_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contact_wa_aliases_org_contact_idx" ON "contact_wa_aliases" USING btree ("organization_id","contact_id");--> statement-breakpoint
SELECT conversa_enable_tenant_rls('contact_wa_aliases');
