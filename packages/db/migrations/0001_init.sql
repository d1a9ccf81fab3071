-- EduGIS initial schema. Mirrors prisma/schema.prisma; test/schema-match.test.ts checks every column,
-- type, nullability and index against it.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS unaccent;  -- accent-insensitive search ("nguyen du" finds "Nguyễn Du")
CREATE EXTENSION IF NOT EXISTS pg_trgm;   -- typo-tolerant search

CREATE TYPE "AdminLevel" AS ENUM ('PROVINCE', 'DISTRICT', 'WARD');
CREATE TYPE "SchoolLevel" AS ENUM ('PRESCHOOL', 'PRIMARY', 'LOWER_SECONDARY', 'UPPER_SECONDARY', 'CONTINUING');
CREATE TYPE "Ownership" AS ENUM ('PUBLIC', 'PRIVATE', 'PEOPLE_FOUNDED', 'UNKNOWN');
CREATE TYPE "LocationConfidence" AS ENUM ('SURVEYED', 'GEOCODED', 'SYNTHETIC');
CREATE TYPE "MaturityLevel" AS ENUM ('LEVEL_1', 'LEVEL_2', 'LEVEL_3');

CREATE TABLE data_source (
  id           text PRIMARY KEY,
  title        text NOT NULL,
  file         text,
  sha256       text,
  licence      text NOT NULL,
  attribution  text NOT NULL,
  url          text,
  is_synthetic boolean NOT NULL DEFAULT false,
  loaded_at    timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE admin_unit (
  id            text PRIMARY KEY,
  code          text NOT NULL,
  name          text NOT NULL,
  full_name     text NOT NULL,
  name_en       text,
  full_name_en  text,
  level         "AdminLevel" NOT NULL,
  unit_type     text NOT NULL,
  parent_id     text REFERENCES admin_unit(id) ON DELETE SET NULL ON UPDATE CASCADE,
  province_code text NOT NULL,
  valid_from    date NOT NULL,
  valid_to      date,
  area_km2      double precision,
  boundary      geometry(MultiPolygon, 4326),
  is_synthetic  boolean NOT NULL DEFAULT false,
  source_id     text NOT NULL REFERENCES data_source(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT admin_unit_valid_period CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX admin_unit_code_valid_from_key ON admin_unit (code, valid_from);
CREATE INDEX admin_unit_parent_id_idx ON admin_unit (parent_id);
CREATE INDEX admin_unit_level_province_code_idx ON admin_unit (level, province_code);
CREATE INDEX admin_unit_boundary_gist ON admin_unit USING gist (boundary);

CREATE TABLE admin_unit_crosswalk (
  old_unit_id text NOT NULL REFERENCES admin_unit(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  new_unit_id text NOT NULL REFERENCES admin_unit(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  merge_type  text NOT NULL CHECK (merge_type IN ('full', 'partial')),
  CONSTRAINT admin_unit_crosswalk_pkey PRIMARY KEY (old_unit_id, new_unit_id)
);
CREATE INDEX admin_unit_crosswalk_new_unit_id_idx ON admin_unit_crosswalk (new_unit_id);

CREATE TABLE school (
  id                  text PRIMARY KEY,
  official_code       text,
  name                text NOT NULL,
  levels              "SchoolLevel"[] NOT NULL CHECK (cardinality(levels) > 0),
  ownership           "Ownership" NOT NULL,
  is_international    boolean NOT NULL DEFAULT false,
  address             text,
  location            geometry(Point, 4326),
  ward_id             text REFERENCES admin_unit(id) ON DELETE SET NULL ON UPDATE CASCADE,
  capacity            integer CHECK (capacity IS NULL OR capacity >= 0),
  enrolment           integer CHECK (enrolment IS NULL OR enrolment >= 0),
  location_confidence "LocationConfidence" NOT NULL,
  is_synthetic        boolean NOT NULL,
  source_id           text NOT NULL REFERENCES data_source(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  source_ref          text
);
CREATE UNIQUE INDEX school_official_code_key ON school (official_code);
CREATE INDEX school_ward_id_idx ON school (ward_id);
CREATE INDEX school_levels_idx ON school USING gin (levels);
CREATE INDEX school_location_gist ON school USING gist (location);

CREATE TABLE enrollment_zone (
  id           text PRIMARY KEY,
  school_id    text NOT NULL REFERENCES school(id) ON DELETE CASCADE ON UPDATE CASCADE,
  entry_grade  integer NOT NULL CHECK (entry_grade IN (1, 6, 10)),
  school_year  text NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
  area         geometry(MultiPolygon, 4326),
  rule         text NOT NULL,
  is_synthetic boolean NOT NULL,
  source_id    text NOT NULL REFERENCES data_source(id) ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX enrollment_zone_school_id_entry_grade_school_year_key ON enrollment_zone (school_id, entry_grade, school_year);
CREATE INDEX enrollment_zone_school_year_entry_grade_idx ON enrollment_zone (school_year, entry_grade);
CREATE INDEX enrollment_zone_area_gist ON enrollment_zone USING gist (area);

CREATE TABLE maturity_assessment (
  id            text PRIMARY KEY,
  school_id     text NOT NULL REFERENCES school(id) ON DELETE CASCADE ON UPDATE CASCADE,
  school_year   text NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
  index_version text NOT NULL,
  status        text NOT NULL,
  group1_score  double precision NOT NULL CHECK (group1_score BETWEEN 0 AND 100),
  group2_score  double precision NOT NULL CHECK (group2_score BETWEEN 0 AND 100),
  group1_level  "MaturityLevel" NOT NULL,
  group2_level  "MaturityLevel" NOT NULL,
  overall_level "MaturityLevel" NOT NULL,
  is_synthetic  boolean NOT NULL,
  source_id     text NOT NULL REFERENCES data_source(id) ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX maturity_assessment_school_id_school_year_key ON maturity_assessment (school_id, school_year);
CREATE INDEX maturity_assessment_school_year_status_idx ON maturity_assessment (school_year, status);

-- What the seed last loaded, so a second run can prove it has nothing to do.
CREATE TABLE seed_state (
  id          integer PRIMARY KEY CHECK (id = 1),
  fingerprint text NOT NULL,
  region      text NOT NULL,
  synthetic_only boolean NOT NULL,
  counts      jsonb NOT NULL,
  seeded_at   timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
