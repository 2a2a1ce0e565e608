CREATE TABLE "unroutable_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"phone_number_id" text,
	"reason" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "unroutable_events_phone_created_idx" ON "unroutable_events" USING btree ("phone_number_id","created_at" DESC NULLS FIRST);