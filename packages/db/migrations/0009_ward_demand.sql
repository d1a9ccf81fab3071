-- Capacity (issue 5) compares seats with enrolment, "and with a demand figure when one is loaded": the number of
-- children of a level's age living in a ward for a school year, loaded by province staff from their own source
-- (population registers, the yearly admissions survey). No open source publishes such figures, so none ship.
CREATE TABLE ward_demand (
  ward_id     text NOT NULL REFERENCES admin_unit(id) ON DELETE CASCADE ON UPDATE CASCADE,
  level       "SchoolLevel" NOT NULL,
  school_year text NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
  children    integer NOT NULL CHECK (children >= 0),
  source      text NOT NULL,
  loaded_by   text REFERENCES app_user(id) ON DELETE SET NULL ON UPDATE CASCADE,
  loaded_at   timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (ward_id, level, school_year)
);
CREATE INDEX ward_demand_school_year_level_idx ON ward_demand (school_year, level);
