-- Accent-, case- and typo-tolerant search ("nguyen du" finds "Nguyễn Du"), done in PostgreSQL with indexes.
-- unaccent() is only STABLE (its dictionary could change), so index expressions use this IMMUTABLE wrapper
-- that names the dictionary explicitly, the documented way to index unaccented text.
CREATE OR REPLACE FUNCTION edugis_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

CREATE INDEX school_name_fold_trgm ON school USING gin (edugis_fold(name) gin_trgm_ops);
CREATE INDEX admin_unit_full_name_fold_trgm ON admin_unit USING gin (edugis_fold(full_name) gin_trgm_ops);

-- What a unit is found by, folded: today's units by their full name, pre-2025 wards with their district
-- ("phuong 12, quan 3"), since "Phường 12" alone names a dozen places. Filled by the seed.
ALTER TABLE admin_unit ADD COLUMN search_text text;
CREATE INDEX admin_unit_search_text_trgm ON admin_unit USING gin (search_text gin_trgm_ops);
DROP INDEX admin_unit_full_name_fold_trgm;
