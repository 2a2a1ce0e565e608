-- Search needs these: trigram similarity for names/phones, accent-insensitive Portuguese full-text search.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
