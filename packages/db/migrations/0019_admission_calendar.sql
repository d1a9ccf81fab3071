-- The admissions calendar of a province and school year (issue 13): when parents confirm their data, when online
-- registration for grade 1, 6 and 10 opens and closes, when results come out. Province staff load it through the
-- import pipeline (kind admission-calendar); parents are shown the next date.
CREATE TABLE admission_calendar_step (
  province_code text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
  school_year   text NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
  step          text NOT NULL CHECK (step IN ('DATA_CONFIRMATION', 'REGISTRATION_GRADE1', 'REGISTRATION_GRADE6', 'REGISTRATION_GRADE10', 'RESULTS')),
  starts_on     date NOT NULL,
  ends_on       date NOT NULL,
  note          text,
  source_id     text NOT NULL REFERENCES data_source(id) ON UPDATE CASCADE,
  PRIMARY KEY (province_code, school_year, step),
  CHECK (ends_on >= starts_on)
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edugis_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON admission_calendar_step TO edugis_app;
  END IF;
END $$;
