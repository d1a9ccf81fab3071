-- Data a city puts in itself (issue 12): one import pipeline with a record per file, schools that keep their
-- history, and a ward that follows the school's point whatever changed it.

-- What the school import template carries beyond the first schema.
ALTER TABLE school ADD COLUMN phone text CHECK (phone IS NULL OR char_length(phone) <= 40);
ALTER TABLE school ADD COLUMN website text CHECK (website IS NULL OR char_length(website) <= 300);

-- One row per uploaded file, from its preview to its commit (or its revert). Its items are what the commit will
-- do (and, once committed, did), row by row, each with the stored state before and the state after: the preview
-- shows them, the commit checks nothing changed since (plan_hash), a revert restores the `before` of each.
-- Errors and warnings are stored as message keys with their values, so each reader gets their own language.
CREATE TABLE data_import (
  id              text PRIMARY KEY,
  kind            text NOT NULL,
  status          text NOT NULL CHECK (status IN ('INVALID', 'PREVIEW', 'COMMITTED', 'DISCARDED')),
  province_code   text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
  actor_id        text REFERENCES app_user(id) ON DELETE SET NULL ON UPDATE CASCADE,
  actor_name      text NOT NULL,
  file_name       text NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 255),
  file_size       bigint NOT NULL CHECK (file_size >= 0),
  sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  format          text NOT NULL,
  source_title    text NOT NULL,
  licence         text NOT NULL,
  is_synthetic    boolean NOT NULL DEFAULT false,
  options         jsonb NOT NULL DEFAULT '{}',
  errors          jsonb NOT NULL DEFAULT '[]',
  warnings        jsonb NOT NULL DEFAULT '[]',
  plan_hash       text,
  counts          jsonb NOT NULL DEFAULT '{}',
  reverts_id      text REFERENCES data_import(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  reverted_by_id  text REFERENCES data_import(id) ON DELETE SET NULL ON UPDATE CASCADE,
  created_at      timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  committed_at    timestamptz(6)
);
CREATE INDEX data_import_province_code_created_at_idx ON data_import (province_code, created_at);
CREATE INDEX data_import_status_idx ON data_import (status);

CREATE TABLE data_import_item (
  import_id  text NOT NULL REFERENCES data_import(id) ON DELETE CASCADE ON UPDATE CASCADE,
  seq        integer NOT NULL,
  action     text NOT NULL CHECK (action IN ('ADD', 'CHANGE', 'UNCHANGED', 'REMOVE', 'KEEP')),
  row_number integer,
  item       jsonb NOT NULL,
  CONSTRAINT data_import_item_pkey PRIMARY KEY (import_id, seq)
);
CREATE INDEX data_import_item_import_id_action_seq_idx ON data_import_item (import_id, action, seq);

-- Every change to a school, by whatever means (an import, a correction in the workspace, plain SQL), with the
-- row before and after. Who and which import come from the transaction's settings edugis.actor/edugis.import.
-- The seed's bulk loads set edugis.audit = 'off' (they are recorded in seed_state instead).
CREATE TABLE school_change (
  id          bigserial PRIMARY KEY,
  school_id   text NOT NULL,
  operation   text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  before      jsonb,
  after       jsonb,
  actor_id    text,
  import_id   text,
  reason      text,
  changed_at  timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX school_change_school_id_changed_at_idx ON school_change (school_id, changed_at);
CREATE INDEX school_change_import_id_idx ON school_change (import_id);

CREATE FUNCTION edugis_school_json(s school) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT to_jsonb(s) - 'location' || jsonb_build_object(
    'lng', CASE WHEN s.location IS NULL THEN NULL ELSE round(ST_X(s.location)::numeric, 7) END,
    'lat', CASE WHEN s.location IS NULL THEN NULL ELSE round(ST_Y(s.location)::numeric, 7) END)
$$;

CREATE FUNCTION edugis_audit_school() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  b jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE edugis_school_json(OLD) END;
  a jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE edugis_school_json(NEW) END;
BEGIN
  IF coalesce(current_setting('edugis.audit', true), '') = 'off' OR b IS NOT DISTINCT FROM a THEN
    RETURN NULL;
  END IF;
  INSERT INTO school_change (school_id, operation, before, after, actor_id, import_id, reason)
  VALUES (coalesce(NEW.id, OLD.id), TG_OP, b, a, nullif(current_setting('edugis.actor', true), ''),
          nullif(current_setting('edugis.import', true), ''), nullif(current_setting('edugis.reason', true), ''));
  RETURN NULL;
END $$;
CREATE TRIGGER school_audit AFTER INSERT OR UPDATE OR DELETE ON school
  FOR EACH ROW EXECUTE FUNCTION edugis_audit_school();

-- The ward of a school is where its point is: recomputed by the database whenever the point changes (an import,
-- a drag on the map, an UPDATE in psql), and on insert when no ward is given. A point in no ward we hold keeps
-- the ward the statement set.
CREATE FUNCTION edugis_school_ward() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  w text;
BEGIN
  IF NEW.location IS NULL OR (TG_OP = 'INSERT' AND NEW.ward_id IS NOT NULL)
     OR (TG_OP = 'UPDATE' AND NEW.location IS NOT DISTINCT FROM OLD.location) THEN
    RETURN NEW;
  END IF;
  SELECT u.id INTO w FROM admin_unit u
  WHERE u.level = 'WARD' AND u.valid_to IS NULL AND u.boundary IS NOT NULL AND ST_Intersects(u.boundary, NEW.location)
  ORDER BY u.id LIMIT 1;
  IF w IS NOT NULL THEN
    NEW.ward_id := w;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER school_ward BEFORE INSERT OR UPDATE OF location ON school
  FOR EACH ROW EXECUTE FUNCTION edugis_school_ward();

-- Problem reports get moderated (status, who, when, why).
ALTER TABLE problem_report ADD COLUMN moderated_by text REFERENCES app_user(id) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE problem_report ADD COLUMN moderated_at timestamptz(6);
ALTER TABLE problem_report ADD COLUMN moderation_note text CHECK (moderation_note IS NULL OR char_length(moderation_note) <= 2000);

-- The application never deletes schools itself: an import that removes schools (asked for by the importer) calls
-- this, which refuses any school that has assessment results or staff accounts.
CREATE FUNCTION edugis_remove_schools(ids text[]) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  IF EXISTS (SELECT 1 FROM maturity_assessment a WHERE a.school_id = ANY (ids))
     OR EXISTS (SELECT 1 FROM app_user u WHERE u.school_id = ANY (ids)) THEN
    RAISE EXCEPTION 'a school with assessment results or staff accounts is never removed' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  DELETE FROM school WHERE id = ANY (ids);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION edugis_remove_schools(text[]) FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edugis_app') THEN
    GRANT INSERT, UPDATE ON school TO edugis_app;
    GRANT EXECUTE ON FUNCTION edugis_remove_schools(text[]) TO edugis_app;
    GRANT INSERT, UPDATE ON data_import TO edugis_app;
    GRANT INSERT ON data_import_item TO edugis_app;
    GRANT UPDATE ON problem_report TO edugis_app;
    GRANT SELECT ON school_change TO edugis_app;
  END IF;
END $$;
