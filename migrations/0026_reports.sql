ALTER TABLE "conversations" ADD COLUMN "first_inbound_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "first_response_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "conversations_org_resolved_idx" ON "conversations" USING btree ("organization_id","resolved_at") WHERE "conversations"."resolved_at" is not null;--> statement-breakpoint
-- Reports (issue 20, worker/domain/reports.ts). Counting a period's messages per day or hour reads this index alone
-- (index-only scan): the organisation and time first, then what the reports group by. Private notes and the activity
-- trail's system messages are no traffic, so they are left out of it (the queries say the same).
CREATE INDEX "messages_org_report_idx" ON "messages" USING btree ("organization_id", "created_at") INCLUDE ("direction", "conversation_id")
  WHERE NOT "is_private" AND "kind" <> 'system';
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
-- The same for the conversations already there.
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
