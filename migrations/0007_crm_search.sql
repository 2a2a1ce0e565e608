-- CRM search (issue 7). Tenant isolation for the tables of 0006, Portuguese full-text search that ignores accents,
-- and trigram search over contact names and phones.
SELECT conversa_enable_tenant_rls('contact_attribute_definitions');
--> statement-breakpoint
SELECT conversa_enable_tenant_rls('contact_notes');
--> statement-breakpoint
-- 'portuguese' with unaccent in front of the stemmer: "não" and "nao" become one lexeme, and so do "Pagamentos" and
-- "pagamento". unaccent is a filtering dictionary, so its output goes on to portuguese_stem.
CREATE TEXT SEARCH CONFIGURATION public.pt_unaccent (COPY = pg_catalog.portuguese);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION public.pt_unaccent
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
  WITH public.unaccent, pg_catalog.portuguese_stem;
--> statement-breakpoint
-- The document and query of message search. IMMUTABLE (the configuration is named by a constant), so it can be
-- indexed; queries must use the very same expression to hit the index.
CREATE OR REPLACE FUNCTION public.conversa_fts(body text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT to_tsvector('public.pt_unaccent'::regconfig, coalesce(body, '')) $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.conversa_tsquery(q text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT websearch_to_tsquery('public.pt_unaccent'::regconfig, coalesce(q, '')) $$;
--> statement-breakpoint
-- unaccent(text) is only STABLE (it looks its dictionary up by name); naming the dictionary makes it IMMUTABLE.
CREATE OR REPLACE FUNCTION public.conversa_unaccent(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, value) $$;
--> statement-breakpoint
-- What contact search compares with: the name and, when it differs, WhatsApp's profile name; lower case, no accents.
CREATE OR REPLACE FUNCTION public.conversa_contact_search_text(name text, profile_name text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(public.conversa_unaccent(coalesce(name, '') || coalesce(' ' || nullif(profile_name, name), ''))) $$;
--> statement-breakpoint
CREATE INDEX messages_body_fts_idx ON messages USING gin (public.conversa_fts(body)) WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX contacts_search_trgm_idx ON contacts USING gin (public.conversa_contact_search_text(name, profile_name) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX contacts_phone_trgm_idx ON contacts USING gin (phone_e164 gin_trgm_ops);
