-- Search at scale (issue 7), measured with bench/search.ts over a million messages of one tenant. Replaces the
-- expression indexes of 0007 with stored columns (an index recheck or a newest-first scan then reads the document
-- instead of recomputing unaccent + stemmer for every row), adds the newest-first index search walks, and the
-- functions through which tenant search reaches these indexes despite row-level security.
DROP INDEX IF EXISTS messages_body_fts_idx;
--> statement-breakpoint
DROP INDEX IF EXISTS contacts_search_trgm_idx;
--> statement-breakpoint
-- The message's document, computed once on write. Search reads the newest messages first and tests each against
-- the query; recomputing to_tsvector (unaccent + stemmer) per row measured 13-20 µs, reading it stored < 1 µs,
-- which is what keeps a common word fast over a million messages. Not in the drizzle schema on purpose: the app
-- never reads or writes it (Postgres maintains it), only search SQL does.
ALTER TABLE messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (public.conversa_fts(body)) STORED;
--> statement-breakpoint
-- Finer statistics than the default, so the planner knows rare words from common ones (bitmap vs. newest-first).
ALTER TABLE messages ALTER COLUMN search_vector SET STATISTICS 500;
--> statement-breakpoint
CREATE INDEX messages_search_vector_idx ON messages USING gin (search_vector);
--> statement-breakpoint
-- Newest-first over a whole organisation (search walks this for common words).
CREATE INDEX messages_org_created_idx ON messages (organization_id, created_at DESC, id DESC);
--> statement-breakpoint
-- The same for contacts: the text names are compared with, stored so an index recheck costs a read, not unaccent.
ALTER TABLE contacts ADD COLUMN search_name text GENERATED ALWAYS AS (public.conversa_contact_search_text(name, profile_name)) STORED;
--> statement-breakpoint
CREATE INDEX contacts_search_name_trgm_idx ON contacts USING gin (search_name gin_trgm_ops);
--> statement-breakpoint
-- Row-level security keeps GIN indexes out of reach of tenant queries: a policy's quals must run before any
-- non-LEAKPROOF operator of the query, and @@, %, %> and LIKE are not leakproof, so under RLS Postgres filters
-- every row of the tenant instead of using the index (measured: a seq scan of messages). Search therefore finds
-- candidate ids in these two SECURITY DEFINER functions, owned by the schema owner (not subject to RLS unless it
-- is forced), which apply the very same tenant rule the policies do: rows of
-- nullif(current_setting('app.org_id', true), '')::uuid only, nothing at all when it is unset. Callers then read
-- the rows by id under RLS as usual (worker/domain/search.ts).
--
-- Messages matching a tsquery, newest first, at most max_hits (≤ 1000). viewer: null for staff (every
-- conversation), else the agent's user id (its own and unassigned conversations only).
CREATE OR REPLACE FUNCTION public.conversa_search_message_hits(query tsquery, viewer uuid, max_hits integer, recent integer DEFAULT 20000)
  RETURNS TABLE (hit_id uuid, hit_created_at timestamptz)
  LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 200
  SET search_path = pg_catalog, pg_temp
  SET max_parallel_workers_per_gather = 0
  AS $fn$
DECLARE
  org uuid := nullif(current_setting('app.org_id', true), '')::uuid;
  want integer := least(max_hits, 1000);
  boundary timestamptz;
  found integer;
  select_hits text;
BEGIN
  IF org IS NULL OR query IS NULL OR numnode(query) = 0 OR want IS NULL OR want < 1 THEN
    RETURN;
  END IF;
  SELECT m.created_at INTO boundary
    FROM public.messages m
   WHERE m.organization_id = org
   ORDER BY m.created_at DESC, m.id DESC
  OFFSET greatest(coalesce(recent, 20000), 0) LIMIT 1;
  boundary := coalesce(boundary, '-infinity');
  -- Dynamic SQL so each run is planned with its real values (selectivity of this query, this boundary).
  select_hits := 'SELECT m.id, m.created_at FROM public.messages m
     WHERE m.organization_id = $1 AND m.deleted_at IS NULL AND %s'
    || CASE WHEN viewer IS NULL THEN '' ELSE '
       AND EXISTS (SELECT 1 FROM public.conversations c
                    WHERE c.id = m.conversation_id AND c.organization_id = $1
                      AND (c.assignee_id = $3 OR c.assignee_id IS NULL))' END
    || ' ORDER BY m.created_at DESC, m.id DESC LIMIT $5';
  -- 1. The newest `recent` (20,000) messages, newest first, each tested against its stored vector: ~15 ms however
  --    common the words are. "IS TRUE" keeps the planner off the GIN index here, whose posting lists for common
  --    words cost more to read (and intersect) than this whole window.
  RETURN QUERY EXECUTE format(select_hits, 'm.created_at >= $4 AND (m.search_vector @@ $2) IS TRUE')
    USING org, query, viewer, boundary, want;
  GET DIAGNOSTICS found = ROW_COUNT;
  -- 2. Not enough there: the words are rare, so the GIN index finds the older matches cheaply.
  IF found < want AND boundary > '-infinity' THEN
    RETURN QUERY EXECUTE format(select_hits, 'm.created_at < $4 AND m.search_vector @@ $2')
      USING org, query, viewer, boundary, want - found;
  END IF;
END
$fn$;
--> statement-breakpoint
-- Contacts whose name or WhatsApp profile name is like needle (trigram similarity, word similarity or substring;
-- accents and case ignored), or whose phone contains digits; best first, at most max_hits (≤ 1000).
-- The trigram operators' cost is underestimated (a similarity costs ~20 µs, planned as one operator call), so
-- for names shared by many contacts Postgres would rather scan and compare every contact: seq scans are off here.
-- Thresholds above pg_trgm's defaults (0.3 and 0.6): one shared common name ("maria …", "… conceição …") no longer
-- makes every Maria or Conceição a candidate, while a typo in a full name ("Joao Slva" ~ "joao silva": similarity
-- 0.62, word similarity 0.8) and the start of a name ("silv": 0.8) still match.
CREATE OR REPLACE FUNCTION public.conversa_search_contact_hits(needle text, digits text, max_hits integer)
  RETURNS TABLE (hit_id uuid, hit_score real)
  LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 50
  SET search_path = pg_catalog, pg_temp
  SET max_parallel_workers_per_gather = 0
  SET enable_seqscan = off
  SET pg_trgm.similarity_threshold = 0.4
  SET pg_trgm.word_similarity_threshold = 0.7
  AS $fn$
DECLARE
  org uuid := nullif(current_setting('app.org_id', true), '')::uuid;
  norm text := lower(public.conversa_unaccent(btrim(coalesce(needle, ''))));
  pattern text;
  phone_pattern text;
BEGIN
  IF org IS NULL OR max_hits IS NULL OR max_hits < 1 THEN
    RETURN;
  END IF;
  -- Substrings only from 3 characters (what a trigram index can serve). NULL patterns match nothing.
  IF length(norm) >= 3 THEN
    pattern := '%' || replace(replace(replace(norm, '\', '\\'), '%', '\%'), '_', '\_') || '%';
  END IF;
  IF coalesce(digits, '') ~ '^[0-9]{3,}$' THEN
    phone_pattern := '%' || digits || '%';
  END IF;
  IF norm = '' THEN
    norm := NULL;
  END IF;
  RETURN QUERY EXECUTE '
    SELECT s.id, max(s.score)::real
      FROM (
        SELECT c.id,
               greatest(public.similarity(c.search_name, $2),
                        public.word_similarity($2, c.search_name)) AS score
          FROM public.contacts c
         WHERE c.organization_id = $1 AND c.deleted_at IS NULL
           AND (c.search_name OPERATOR(public.%) $2
             OR c.search_name OPERATOR(public.%>) $2
             OR c.search_name LIKE $3)
        UNION ALL
        SELECT c.id, CASE WHEN c.phone_e164 = ''+'' || $5 THEN 1.0::real ELSE 0.9::real END
          FROM public.contacts c
         WHERE c.organization_id = $1 AND c.deleted_at IS NULL AND c.phone_e164 LIKE $4
      ) s
     GROUP BY s.id
     ORDER BY 2 DESC, 1
     LIMIT $6'
    USING org, norm, pattern, phone_pattern, digits, least(max_hits, 1000);
END
$fn$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION public.conversa_search_message_hits(tsquery, uuid, integer, integer) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION public.conversa_search_contact_hits(text, text, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.conversa_search_message_hits(tsquery, uuid, integer, integer) TO app_user;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.conversa_search_contact_hits(text, text, integer) TO app_user;