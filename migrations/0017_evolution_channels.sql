ALTER TABLE "channels" ADD COLUMN "instance_name" text;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "connection_state" text;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "qr_code" text;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "qr_updated_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "connection_updated_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "last_event_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "send_rate_per_minute" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "silent_after_minutes" integer DEFAULT 120 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "channels_instance_name_uq" ON "channels" USING btree ("instance_name") WHERE instance_name is not null;