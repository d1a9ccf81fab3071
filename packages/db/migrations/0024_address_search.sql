-- Address search (issue 14): a parent types "12 Lý Tự Trọng, Bến Thành" and lands on the house, else on the
-- street's stretch in that ward. House numbers come from the OSM extract, read with its roads (kind osm-roads,
-- one OSM reader) and kept with that network; newer street lines come from street files (kind streets, e.g.
-- the 2025 central roads). street_name is what search looks streets up by: one row per street of a province,
-- rebuilt from the active network and street set whenever either changes (edugis_refresh_streets).

-- A street's key: folded (no accents, lower case, đ → d), punctuation as spaces, without the "đường"/"phố"
-- that addresses put in front or leave out ("Đường Lý Tự Trọng" and "Lý Tự Trọng" are one street). Schema-
-- qualified: an index build runs with a search_path of pg_catalog only (PostgreSQL 17, the embedded PGlite).
CREATE OR REPLACE FUNCTION edugis_street_key(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT regexp_replace(btrim(regexp_replace(public.edugis_fold($1), '[^a-z0-9]+', ' ', 'g')), '^(duong|pho|d) (?=.)', '') $$;

-- A house number as people write it: lower case, no spaces ("12 A" = "12a", "45 / 7" = "45/7").
CREATE OR REPLACE FUNCTION edugis_house_key(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT regexp_replace(lower($1), '\s+', '', 'g') $$;

-- The areas of an address are matched by exact folded name ("ben thanh", "phuong 12", "quan 3").
CREATE INDEX admin_unit_fold_name_idx ON admin_unit (edugis_fold(name));
CREATE INDEX admin_unit_fold_full_name_idx ON admin_unit (edugis_fold(full_name));

CREATE TABLE address_point (
  network_id  text NOT NULL REFERENCES road_network(id) ON DELETE CASCADE,
  osm_ref     text NOT NULL,            -- node/123 or way/456 (a building's centre)
  housenumber text NOT NULL,
  street      text NOT NULL,
  geom        geometry(Point, 4326) CHECK (geom IS NOT NULL),
  PRIMARY KEY (network_id, osm_ref)
);
CREATE INDEX address_point_geom ON address_point USING gist (geom);
CREATE INDEX address_point_street_idx ON address_point (network_id, edugis_street_key(street), edugis_house_key(housenumber));
CREATE INDEX road_way_street_key_idx ON road_way (network_id, edugis_street_key(name)) WHERE name IS NOT NULL;

-- Named street lines from a street file (GeoJSON LineStrings with a name), one set per import.
CREATE TABLE street_set (
  id            text PRIMARY KEY,  -- the import that loaded it
  province_code text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
  source_id     text NOT NULL REFERENCES data_source(id) ON UPDATE CASCADE,
  as_of         date,
  lines         integer NOT NULL CHECK (lines >= 0),
  loaded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE street_line (
  set_id   text NOT NULL REFERENCES street_set(id) ON DELETE CASCADE,
  line_no  integer NOT NULL,
  name     text NOT NULL,
  ref      text,
  geom     geometry(LineString, 4326) CHECK (geom IS NOT NULL),
  PRIMARY KEY (set_id, line_no)
);
CREATE INDEX street_line_geom ON street_line USING gist (geom);
CREATE INDEX street_line_key_idx ON street_line (set_id, edugis_street_key(name));
CREATE TABLE street_set_active (
  province_code text PRIMARY KEY CHECK (province_code ~ '^[0-9]{2}$'),
  set_id        text NOT NULL REFERENCES street_set(id)
);

CREATE TABLE street_name (
  province_code text NOT NULL,
  key           text NOT NULL,
  name          text NOT NULL,   -- as written, the newer file's spelling first
  initials      text NOT NULL,   -- "nguyen thi minh khai" → "ntmk", for abbreviations
  lines         integer NOT NULL,
  newer         boolean NOT NULL, -- in the street file (newer than the extract)
  PRIMARY KEY (province_code, key)
);
-- Looked up exactly or by prefix first (B-tree: what a street typed without accents is once folded), by
-- trigram similarity (a typo) only when that finds nothing.
CREATE INDEX street_name_key_prefix ON street_name (key text_pattern_ops);
CREATE INDEX street_name_key_trgm ON street_name USING gin (key gin_trgm_ops);
CREATE INDEX street_name_initials_idx ON street_name (initials);

CREATE OR REPLACE FUNCTION edugis_refresh_streets(p text) RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
  DELETE FROM street_name WHERE province_code = p;
  INSERT INTO street_name (province_code, key, name, initials, lines, newer)
  -- Ð (U+00D0, Icelandic eth) is a common typo for Đ in OSM names ("Ðồng Khởi"): shown as Đ.
  -- "Đường" in front is dropped from the name shown ("Đường Lý Tự Trọng" is shown "Lý Tự Trọng", the way both
  -- sources mostly write it), except before a number ("Đường số 6", "Đường 3 Tháng 2").
  SELECT p, k.key,
         regexp_replace(translate((array_agg(k.name ORDER BY k.newer DESC, k.n DESC, k.name))[1], 'Ðð', 'Đđ'), '^(Đường|đường|Duong|duong)\s+(?![Ss]ố\s|\d)', ''),
         array_to_string(ARRAY(SELECT left(w, 1) FROM regexp_split_to_table(k.key, ' ') AS w), ''),
         sum(k.n)::int, bool_or(k.newer)
  FROM (
    SELECT edugis_street_key(w.name) AS key, w.name, count(*) AS n, false AS newer
    FROM road_way w JOIN road_network_active a ON a.network_id = w.network_id AND a.province_code = p
    WHERE w.name IS NOT NULL GROUP BY 1, 2
    UNION ALL
    SELECT edugis_street_key(l.name), l.name, count(*), true
    FROM street_line l JOIN street_set_active a ON a.set_id = l.set_id AND a.province_code = p GROUP BY 1, 2
  ) k
  WHERE k.key <> ''
  GROUP BY k.key;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edugis_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON address_point, street_set, street_line, street_set_active, street_name TO edugis_app;
  END IF;
END $$;
