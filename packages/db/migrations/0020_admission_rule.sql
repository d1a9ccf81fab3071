-- Admission rules (issue 13): what a ward or the Sở publishes for each school, school year and entry grade: the
-- quota (places and classes), the method (the listed areas, the nearest school by distance, or both), the areas
-- (whole wards, khu phố/ấp by name within a ward, streets with an optional house-number range), an optional
-- distance cap and how it is measured, the priority groups, the feeder schools (grade 6 and 10) and the document
-- it comes from. Loaded through the import pipeline (kind admission-rules); zones are derived from these.
CREATE TABLE admission_rule (
  school_id         text NOT NULL REFERENCES school(id) ON DELETE CASCADE ON UPDATE CASCADE,
  school_year       text NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
  grade             smallint NOT NULL CHECK (grade IN (1, 6, 10)),
  province_code     text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
  method            text NOT NULL CHECK (method IN ('AREA_LIST', 'NEAREST_BY_DISTANCE', 'HYBRID')),
  quota_places      integer NOT NULL CHECK (quota_places > 0),
  quota_classes     integer CHECK (quota_classes > 0),
  distance_cap_km   double precision CHECK (distance_cap_km > 0),
  distance_metric   text CHECK (distance_metric IN ('STRAIGHT', 'ROAD')),
  -- [{kind: WARD|SUB_WARD|STREET, ward: '26740', name?, from?, to?, parity?: ALL|ODD|EVEN}], in the file's order.
  areas             jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(areas) = 'array'),
  priority_groups   text[] NOT NULL DEFAULT '{}',
  feeder_school_ids text[] NOT NULL DEFAULT '{}',
  -- Schools this one shares its areas with (an overlap both publish on purpose, "tuyển chung").
  shared_with       text[] NOT NULL DEFAULT '{}',
  document_number   text,
  document_date     date,
  issuing_body      text,
  source_id         text NOT NULL REFERENCES data_source(id) ON UPDATE CASCADE,
  PRIMARY KEY (school_id, school_year, grade),
  CHECK (method = 'NEAREST_BY_DISTANCE' OR jsonb_array_length(areas) > 0),
  CHECK ((distance_cap_km IS NULL) = (distance_metric IS NULL))
);
CREATE INDEX admission_rule_province ON admission_rule (province_code, school_year, grade);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edugis_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON admission_rule TO edugis_app;
  END IF;
END $$;
