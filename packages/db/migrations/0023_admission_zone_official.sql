-- Official admission area polygons (issue 13): where a ward or the Sở publishes its areas as a map (digitised from
-- the decision's annex, or drawn by the office), the polygon of one school's rule for a school year and entry grade.
-- Loaded through the import pipeline (kind admission-zones: GeoJSON, KML or a zipped Shapefile). Where one exists it
-- decides whether a home is in the school's area, and the map shows it as official, not as an illustration.
CREATE TABLE admission_zone_official (
  school_id       text NOT NULL REFERENCES school(id) ON DELETE CASCADE ON UPDATE CASCADE,
  school_year     text NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
  grade           smallint NOT NULL CHECK (grade IN (1, 6, 10)),
  geom            geometry(MultiPolygon, 4326) CHECK (geom IS NOT NULL AND ST_IsValid(geom)),  -- a CHECK: Prisma declares geometry optional
  document_number text,
  source_id       text NOT NULL REFERENCES data_source(id) ON UPDATE CASCADE,
  -- The rule it belongs to by key, not by a foreign key: reverting a rules import must not delete a polygon silently
  -- (a polygon without its rule is simply not used).
  PRIMARY KEY (school_id, school_year, grade)
);
CREATE INDEX admission_zone_official_geom ON admission_zone_official USING gist (geom);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edugis_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON admission_zone_official TO edugis_app;
  END IF;
END $$;
