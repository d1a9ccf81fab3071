-- The yearly QĐ 4725 workflow (issue 3): accounts and sessions, who manages which school (data, not code),
-- deadlines per school year and province, the answers, evidence and versions of each assessment, corrections
-- of published results, and an append-only audit log. Published results and the log are guarded here in the
-- database too, so no code path (nor a hand-typed UPDATE) can rewrite them.

-- After the 2025 reform wards/communes manage preschool, primary and lower-secondary schools; the province
-- manages upper-secondary schools and continuing-education centres. A school teaching several levels is managed
-- by the highest managing level among them (a THCS-THPT school by the province).
CREATE TABLE management_rule (
  school_level    "SchoolLevel" PRIMARY KEY,
  managing_level  "AdminLevel" NOT NULL CHECK (managing_level IN ('WARD', 'PROVINCE'))
);
INSERT INTO management_rule (school_level, managing_level) VALUES
  ('PRESCHOOL', 'WARD'), ('PRIMARY', 'WARD'), ('LOWER_SECONDARY', 'WARD'),
  ('UPPER_SECONDARY', 'PROVINCE'), ('CONTINUING', 'PROVINCE');

-- Deadlines: the decision's defaults (31/5 submit, 20/6 publish) apply unless a row overrides them for a school
-- year, for every province ('*') or for one province (its 2-digit code; it wins over '*').
CREATE TABLE assessment_deadline (
  school_year   text NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
  province_code text NOT NULL CHECK (province_code = '*' OR province_code ~ '^[0-9]{2}$'),
  submit_by     date NOT NULL,
  publish_by    date NOT NULL CHECK (publish_by >= submit_by),
  PRIMARY KEY (school_year, province_code)
);

CREATE TABLE app_user (
  id            text PRIMARY KEY,
  username      text NOT NULL CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('SCHOOL_STAFF', 'PRINCIPAL', 'WARD_STAFF', 'PROVINCE_STAFF', 'PLANNER', 'ADMIN')),
  password_hash text NOT NULL,
  school_id     text REFERENCES school(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  unit_id       text REFERENCES admin_unit(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  is_demo       boolean NOT NULL DEFAULT false,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  -- School roles belong to a school; authority roles to the unit whose schools they manage.
  CHECK (role NOT IN ('SCHOOL_STAFF', 'PRINCIPAL') OR school_id IS NOT NULL),
  CHECK (role NOT IN ('WARD_STAFF', 'PROVINCE_STAFF') OR unit_id IS NOT NULL)
);
CREATE UNIQUE INDEX app_user_username_key ON app_user (username);

-- A signed-in session: only the SHA-256 of the bearer token is stored, so a leaked table grants nothing.
CREATE TABLE user_session (
  id          text PRIMARY KEY,
  user_id     text NOT NULL REFERENCES app_user(id) ON DELETE CASCADE ON UPDATE CASCADE,
  created_at  timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires_at  timestamptz(6) NOT NULL
);
CREATE INDEX user_session_user_id_idx ON user_session (user_id);

-- Assessments: a correction of a published result is a new row (revision n + 1) linked to the one it corrects.
DROP INDEX maturity_assessment_school_id_school_year_key;
ALTER TABLE maturity_assessment
  ADD COLUMN revision          integer NOT NULL DEFAULT 0 CHECK (revision >= 0),
  ADD COLUMN corrects_id       text REFERENCES maturity_assessment(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD COLUMN correction_reason text,
  ADD COLUMN version           integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  ADD COLUMN answers           jsonb,
  ADD COLUMN evidence          jsonb,
  ADD COLUMN evaluated_answers jsonb,
  ADD COLUMN return_comment    text,
  ADD COLUMN managing_unit_id  text REFERENCES admin_unit(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD COLUMN submitted_at      timestamptz(6),
  ADD COLUMN submitted_late    boolean NOT NULL DEFAULT false,
  ADD COLUMN published_at      timestamptz(6),
  ADD COLUMN updated_at        timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ADD CONSTRAINT maturity_assessment_status_check
    CHECK (status IN ('DRAFT', 'SELF_ASSESSED', 'APPROVED', 'SUBMITTED', 'UNDER_REVIEW', 'RETURNED', 'EVALUATED', 'PUBLISHED')),
  ADD CONSTRAINT maturity_assessment_correction_check CHECK ((revision = 0) = (corrects_id IS NULL));
CREATE UNIQUE INDEX maturity_assessment_school_id_school_year_revision_key ON maturity_assessment (school_id, school_year, revision);
CREATE UNIQUE INDEX maturity_assessment_corrects_id_key ON maturity_assessment (corrects_id);
CREATE INDEX maturity_assessment_managing_unit_id_status_idx ON maturity_assessment (managing_unit_id, status);

CREATE FUNCTION edugis_published_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'maturity_assessment %: a published result is immutable; create a correction', OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER maturity_assessment_published_is_final BEFORE UPDATE ON maturity_assessment
  FOR EACH ROW WHEN (OLD.status = 'PUBLISHED') EXECUTE FUNCTION edugis_published_is_final();

-- Who did what to an assessment, when, and the values before and after. Never updated, never deleted.
CREATE TABLE assessment_audit (
  id            bigserial PRIMARY KEY,
  assessment_id text NOT NULL REFERENCES maturity_assessment(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  at            timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  actor_id      text NOT NULL REFERENCES app_user(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  actor_role    text NOT NULL,
  action        text NOT NULL,
  from_status   text,
  to_status     text NOT NULL,
  version       integer NOT NULL,
  changes       jsonb NOT NULL DEFAULT '[]'::jsonb,
  comment       text
);
CREATE INDEX assessment_audit_assessment_id_id_idx ON assessment_audit (assessment_id, id);

CREATE FUNCTION edugis_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'assessment_audit is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER assessment_audit_append_only BEFORE UPDATE OR DELETE ON assessment_audit
  FOR EACH ROW EXECUTE FUNCTION edugis_audit_is_append_only();
