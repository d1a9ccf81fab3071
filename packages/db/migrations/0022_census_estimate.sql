-- Children by age from the 2019 census, carried to today's wards (issue 13: the placement simulation's demand
-- where no figures were loaded). The census counted people per ward of 2019; those wards were merged in 2019–2025
-- and again on 1 July 2025. The seed carries each 2019 figure to today's wards (seed.ts censusEstimates: by code,
-- then through the GSO change list, then the July 2025 crosswalk, a ward split between k new wards shared
-- equally) and stores the result here. An estimate, never a count: every answer built on it says so.
CREATE TABLE census_ward_estimate (
  ward_id       text PRIMARY KEY REFERENCES admin_unit(id) ON DELETE CASCADE ON UPDATE CASCADE,
  census_year   smallint NOT NULL CHECK (census_year BETWEEN 1979 AND 2100),
  population    double precision NOT NULL CHECK (population >= 0),
  age_0_4       double precision NOT NULL CHECK (age_0_4 >= 0),
  age_5_9       double precision NOT NULL CHECK (age_5_9 >= 0),
  age_10_14     double precision NOT NULL CHECK (age_10_14 >= 0),
  age_15_19     double precision NOT NULL CHECK (age_15_19 >= 0),
  -- How many census wards contributed, and how many of them were split between several of today's wards.
  census_units  integer NOT NULL CHECK (census_units > 0),
  split_units   integer NOT NULL CHECK (split_units >= 0),
  source_id     text NOT NULL REFERENCES data_source(id) ON UPDATE CASCADE
);
