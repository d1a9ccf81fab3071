-- Analytics read the result of record of each school and school year (the newest published revision) from this
-- narrow table instead of sorting every assessment on each request (issue 5: < 200 ms on national data). It is
-- kept by triggers when results are published (by the seed's bulk insert or a workflow step), so it always
-- equals a recount from maturity_assessment; the analytics tests check exactly that.
CREATE TABLE published_result (
  school_year   text NOT NULL,
  school_id     text NOT NULL REFERENCES school(id) ON DELETE CASCADE ON UPDATE CASCADE,
  assessment_id text NOT NULL REFERENCES maturity_assessment(id) ON DELETE CASCADE ON UPDATE CASCADE,
  revision      integer NOT NULL,
  group1_score  double precision NOT NULL,
  group2_score  double precision NOT NULL,
  group1_level  "MaturityLevel" NOT NULL,
  group2_level  "MaturityLevel" NOT NULL,
  overall_level "MaturityLevel" NOT NULL,
  PRIMARY KEY (school_year, school_id)
);
CREATE INDEX published_result_school_id_idx ON published_result (school_id);

-- Bumped by every statement that writes assessments: servers cache analytics answers per generation, so an
-- answer is reused until something is published (by any server process or the seed), then recomputed.
CREATE TABLE analytics_state (
  id         integer PRIMARY KEY CHECK (id = 1),
  generation bigint NOT NULL
);
INSERT INTO analytics_state VALUES (1, 1);

CREATE FUNCTION edugis_keep_published_result() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows WHERE status = 'PUBLISHED') THEN
    UPDATE analytics_state SET generation = generation + 1 WHERE id = 1;
  END IF;
  INSERT INTO published_result AS p (school_year, school_id, assessment_id, revision, group1_score, group2_score, group1_level, group2_level, overall_level)
  SELECT DISTINCT ON (n.school_year, n.school_id) n.school_year, n.school_id, n.id, n.revision, n.group1_score, n.group2_score,
         n.group1_level, n.group2_level, n.overall_level
  FROM new_rows n WHERE n.status = 'PUBLISHED'
  ORDER BY n.school_year, n.school_id, n.revision DESC
  ON CONFLICT (school_year, school_id) DO UPDATE SET
    assessment_id = EXCLUDED.assessment_id, revision = EXCLUDED.revision, group1_score = EXCLUDED.group1_score,
    group2_score = EXCLUDED.group2_score, group1_level = EXCLUDED.group1_level, group2_level = EXCLUDED.group2_level,
    overall_level = EXCLUDED.overall_level
  WHERE p.revision <= EXCLUDED.revision;
  RETURN NULL;
END $$;
CREATE TRIGGER maturity_assessment_published_insert AFTER INSERT ON maturity_assessment
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION edugis_keep_published_result();
CREATE TRIGGER maturity_assessment_published_update AFTER UPDATE ON maturity_assessment
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION edugis_keep_published_result();

-- Databases seeded before this migration.
INSERT INTO published_result (school_year, school_id, assessment_id, revision, group1_score, group2_score, group1_level, group2_level, overall_level)
SELECT DISTINCT ON (school_year, school_id) school_year, school_id, id, revision, group1_score, group2_score, group1_level, group2_level, overall_level
FROM maturity_assessment WHERE status = 'PUBLISHED' ORDER BY school_year, school_id, revision DESC;
