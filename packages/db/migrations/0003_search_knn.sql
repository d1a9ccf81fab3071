-- Search ranked by the index itself. GIN trigram indexes can only filter: a generic query ("mam non …") matched
-- thousands of schools nationally, each scored and sorted (47 ms median, 624 ms p95 on the national data).
-- GiST trigram indexes also answer ORDER BY word-similarity distance (<<->) as a nearest-neighbour scan that
-- stops after the first rows, so the cost no longer grows with the number of matches.
CREATE INDEX school_name_fold_gist ON school USING gist (edugis_fold(name) gist_trgm_ops);
CREATE INDEX admin_unit_search_text_gist ON admin_unit USING gist (search_text gist_trgm_ops);
DROP INDEX school_name_fold_trgm;
DROP INDEX admin_unit_search_text_trgm;
