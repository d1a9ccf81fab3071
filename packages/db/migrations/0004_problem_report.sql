-- "Report a problem" from a school's profile: a parent says the school is in the wrong place or the zone is
-- wrong. Stored for staff to moderate (status NEW until someone accepts or rejects it); never shown publicly.
-- The reporter is kept only as a salted hash of their address (the salt is random per server process), enough
-- to rate-limit, not to identify.
CREATE TABLE problem_report (
  id            text PRIMARY KEY,
  school_id     text NOT NULL REFERENCES school(id) ON DELETE CASCADE ON UPDATE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('WRONG_LOCATION', 'WRONG_ZONE', 'OTHER')),
  message       text NOT NULL CHECK (char_length(message) BETWEEN 1 AND 2000),
  location      geometry(Point, 4326),
  status        text NOT NULL DEFAULT 'NEW' CHECK (status IN ('NEW', 'ACCEPTED', 'REJECTED')),
  reporter_hash text NOT NULL,
  created_at    timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX problem_report_status_created_at_idx ON problem_report (status, created_at);
CREATE INDEX problem_report_school_id_idx ON problem_report (school_id);
CREATE INDEX problem_report_location_gist ON problem_report USING gist (location);
