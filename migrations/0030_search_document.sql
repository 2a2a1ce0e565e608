-- Message bodies are encrypted per organisation (issue 21 §4, worker/domain/content-crypto.ts), so Postgres can no
-- longer derive the search document from them: search_vector becomes an ordinary column, written by the app from
-- the plaintext (public.conversa_fts($1)) in the same INSERT. It is the one plaintext-derived copy of a message's
-- text at rest (lexemes, not sentences): the trade-off is stated in SECURITY.md and the privacy report.
ALTER TABLE "messages" ALTER COLUMN "search_vector" DROP EXPRESSION;
--> statement-breakpoint
-- A plaintext body (legacy rows, erasure's and revocation's scrubs, an organisation without encryption) still gets
-- its document here, exactly as the generated column did; an encrypted one keeps what the writer gave.
CREATE OR REPLACE FUNCTION public.conversa_messages_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.body IS NULL OR NEW.body NOT LIKE 'enc:v1:%' THEN
    NEW.search_vector := public.conversa_fts(NEW.body);
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "messages_search_document" BEFORE INSERT OR UPDATE OF "body" ON "messages"
  FOR EACH ROW EXECUTE FUNCTION public.conversa_messages_search_document();
