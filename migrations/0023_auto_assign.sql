ALTER TABLE "memberships" ADD COLUMN "presence" text DEFAULT 'online' NOT NULL;--> statement-breakpoint
ALTER TABLE "department_members" ADD COLUMN "last_assigned_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "auto_assign" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "max_open_per_agent" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "requeue_after_minutes" integer;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "auto_assigned_at" timestamp (3) with time zone;