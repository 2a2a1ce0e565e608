CREATE TABLE "message_counts_hourly" (
	"organization_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"hour" timestamp (3) with time zone NOT NULL,
	"direction" "message_direction" NOT NULL,
	"messages" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "message_counts_hourly_pk" PRIMARY KEY("organization_id","hour","channel_id","direction")
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "first_inbound_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "first_response_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "first_response_seconds" double precision;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "resolution_seconds" double precision;--> statement-breakpoint
ALTER TABLE "message_counts_hourly" ADD CONSTRAINT "message_counts_hourly_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_counts_hourly" ADD CONSTRAINT "message_counts_hourly_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversations_org_resolved_idx" ON "conversations" USING btree ("organization_id","resolved_at") WHERE "conversations"."resolved_at" is not null;--> statement-breakpoint
-- Reports (issue 20, worker/domain/reports.ts). Counting a period's messages per day or hour reads this index alone
-- (index-only scan): the organisation and time first, then what the reports group by. Private notes and the activity
-- trail's system messages are no traffic, so they are left out of it (the queries say the same).
CREATE INDEX "messages_org_report_idx" ON "messages" USING btree ("organization_id", "created_at") INCLUDE ("direction", "conversation_id")
  WHERE NOT "is_private" AND "kind" <> 'system';
--> statement-breakpoint
-- Seconds from a to b that fall within a channel's business hours (worker/schemas/service-desk.ts hoursConfig: time
-- zone, intervals per weekday with Sunday first, holidays as local dates); wall-clock seconds when the channel has
-- none or they are off. Spans are counted day by day for at most 400 days.
CREATE OR REPLACE FUNCTION conversa_business_seconds(a timestamptz, b timestamptz, hours jsonb) RETURNS double precision
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $fn$
DECLARE
  tz text;
  d date;
  last_day date;
  total double precision := 0;
  iv jsonb;
  s timestamptz;
  e timestamptz;
  n int := 0;
BEGIN
  IF a IS NULL OR b IS NULL THEN RETURN NULL; END IF;
  IF b <= a THEN RETURN 0; END IF;
  IF hours IS NULL OR NOT coalesce((hours->>'enabled')::boolean, false) THEN
    RETURN extract(epoch FROM b - a);
  END IF;
  tz := coalesce(hours->>'timeZone', 'America/Sao_Paulo');
  d := (a AT TIME ZONE tz)::date;
  last_day := (b AT TIME ZONE tz)::date;
  WHILE d <= last_day AND n < 400 LOOP
    IF NOT coalesce(hours->'holidays' ? d::text, false) THEN
      FOR iv IN SELECT value FROM jsonb_array_elements(coalesce(hours->'week'->(extract(dow FROM d)::int), '[]'::jsonb)) LOOP
        s := greatest(a, (d + (iv->>'start')::time) AT TIME ZONE tz);
        e := least(b, (d + (iv->>'end')::time) AT TIME ZONE tz);
        IF e > s THEN total := total + extract(epoch FROM e - s); END IF;
      END LOOP;
    END IF;
    d := d + 1;
    n := n + 1;
  END LOOP;
  RETURN total;
END
$fn$;
--> statement-breakpoint
-- The durations the reports aggregate, computed once when the first response or the resolution is recorded, with
-- the channel's business hours of that moment.
CREATE OR REPLACE FUNCTION conversa_conversation_durations() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  hours jsonb;
BEGIN
  IF NEW.first_response_at IS NULL AND NEW.resolved_at IS NULL THEN
    NEW.first_response_seconds := NULL;
    NEW.resolution_seconds := NULL;
    RETURN NEW;
  END IF;
  SELECT ch.business_hours INTO hours FROM channels ch WHERE ch.id = NEW.channel_id;
  NEW.first_response_seconds := conversa_business_seconds(NEW.first_inbound_at, NEW.first_response_at, hours);
  NEW.resolution_seconds := conversa_business_seconds(NEW.created_at, NEW.resolved_at, hours);
  RETURN NEW;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER conversations_durations_insert BEFORE INSERT ON conversations FOR EACH ROW
  WHEN (NEW.first_response_at IS NOT NULL OR NEW.resolved_at IS NOT NULL)
  EXECUTE FUNCTION conversa_conversation_durations();
--> statement-breakpoint
CREATE TRIGGER conversations_durations_update BEFORE UPDATE OF first_inbound_at, first_response_at, resolved_at, created_at, channel_id ON conversations FOR EACH ROW
  WHEN (NEW.first_response_at IS DISTINCT FROM OLD.first_response_at OR NEW.first_inbound_at IS DISTINCT FROM OLD.first_inbound_at
        OR NEW.resolved_at IS DISTINCT FROM OLD.resolved_at OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.channel_id IS DISTINCT FROM OLD.channel_id)
  EXECUTE FUNCTION conversa_conversation_durations();
--> statement-breakpoint
-- First response: kept on the conversation when the reply is stored (a person's, or the business's own phone's — not
-- a note, not the activity trail, not an automatic message of the service desk), once, and only after the customer
-- wrote. first_inbound_at is the customer's first message then (WhatsApp's time when it has one).
CREATE OR REPLACE FUNCTION conversa_note_first_response() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF EXISTS (SELECT 1 FROM conversations c WHERE c.id = NEW.conversation_id AND c.first_response_at IS NULL AND c.last_inbound_at IS NOT NULL) THEN
    UPDATE conversations c SET first_response_at = NEW.created_at, first_inbound_at = f.at
      FROM (SELECT min(coalesce(m.provider_timestamp, m.created_at)) AS at FROM messages m
             WHERE m.organization_id = NEW.organization_id AND m.conversation_id = NEW.conversation_id AND m.direction = 'inbound') f
     WHERE c.id = NEW.conversation_id AND c.first_response_at IS NULL AND f.at IS NOT NULL;
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER messages_first_response AFTER INSERT ON messages FOR EACH ROW
  WHEN (NEW.direction = 'outbound' AND NOT NEW.is_private AND NEW.kind <> 'system' AND NOT coalesce(NEW.payload ? 'automatic', false))
  EXECUTE FUNCTION conversa_note_first_response();
--> statement-breakpoint
-- The same for the conversations already there (the update trigger computes their durations).
UPDATE conversations c SET first_inbound_at = f.first_in, first_response_at = f.first_out
  FROM (
    SELECT i.conversation_id, i.first_in,
      (SELECT min(o.created_at) FROM messages o
        WHERE o.organization_id = i.organization_id AND o.conversation_id = i.conversation_id AND o.direction = 'outbound'
          AND NOT o.is_private AND o.kind <> 'system' AND NOT coalesce(o.payload ? 'automatic', false) AND o.created_at >= i.first_in) AS first_out
    FROM (SELECT organization_id, conversation_id, min(coalesce(provider_timestamp, created_at)) AS first_in
            FROM messages WHERE direction = 'inbound' GROUP BY 1, 2) i
  ) f
 WHERE c.id = f.conversation_id AND f.first_out IS NOT NULL;
--> statement-breakpoint
UPDATE conversations c SET resolution_seconds = conversa_business_seconds(c.created_at, c.resolved_at, ch.business_hours)
  FROM channels ch
 WHERE ch.id = c.channel_id AND c.resolved_at IS NOT NULL AND c.resolution_seconds IS NULL;
--> statement-breakpoint
-- Messages per channel, hour and direction (worker/db/schema/reports.ts): tenant rows like any other.
SELECT conversa_enable_tenant_rls('message_counts_hourly');
--> statement-breakpoint
INSERT INTO message_counts_hourly (organization_id, channel_id, hour, direction, messages)
SELECT m.organization_id, c.channel_id, date_trunc('hour', m.created_at), m.direction, count(*)
  FROM messages m JOIN conversations c ON c.id = m.conversation_id
 WHERE NOT m.is_private AND m.kind <> 'system'
 GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
-- Each statement that stores messages adds its counts in one grouped upsert (rows locked in key order, so two
-- statements of one organisation never wait on each other crosswise). Deletions are not subtracted: the counts are
-- traffic that happened — erasing a contact or purging old conversations does not unsend their messages.
CREATE OR REPLACE FUNCTION conversa_count_messages() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO message_counts_hourly AS h (organization_id, channel_id, hour, direction, messages)
  SELECT n.organization_id, c.channel_id, date_trunc('hour', n.created_at), n.direction, count(*)
    FROM new_messages n JOIN conversations c ON c.id = n.conversation_id
   WHERE NOT n.is_private AND n.kind <> 'system'
   GROUP BY 1, 2, 3, 4
   ORDER BY 1, 3, 2, 4
  ON CONFLICT (organization_id, hour, channel_id, direction) DO UPDATE SET messages = h.messages + excluded.messages;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER messages_count_hourly AFTER INSERT ON messages REFERENCING NEW TABLE AS new_messages
  FOR EACH STATEMENT EXECUTE FUNCTION conversa_count_messages();
