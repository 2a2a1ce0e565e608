-- Encryption at rest per organisation (issue 21 §4, worker/lib/envelope.ts): each organisation's data keys, wrapped
-- (AES-KW) by a master key from ENCRYPTION_MASTER_KEYS. The newest unretired key encrypts new writes; retired keys
-- still decrypt; a destroyed key (wrapped_key null) is crypto-shredding: what it encrypted is unreadable.
CREATE TABLE "organization_keys" (
	"organization_id" uuid NOT NULL,
	"key_id" text NOT NULL,
	"wrapped_key" text,
	"master_key_id" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp (3) with time zone,
	"destroyed_at" timestamp (3) with time zone,
	CONSTRAINT "organization_keys_pkey" PRIMARY KEY ("organization_id","key_id"),
	CONSTRAINT "organization_keys_destroyed_ck" CHECK (("organization_keys"."destroyed_at" is null) = ("organization_keys"."wrapped_key" is not null))
);
--> statement-breakpoint
ALTER TABLE "organization_keys" ADD CONSTRAINT "organization_keys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- At most one key encrypts new writes per organisation.
CREATE UNIQUE INDEX "organization_keys_org_active_idx" ON "organization_keys" USING btree ("organization_id") WHERE "retired_at" is null and "destroyed_at" is null;
--> statement-breakpoint
-- Tenant isolation like every tenant table (0002).
SELECT conversa_enable_tenant_rls('organization_keys');
