-- Corrections of schools by staff (issue 12): a version per school, so two people correcting one school at once
-- cannot overwrite each other (the second is told STALE_VERSION), bumped by the database on every real change,
-- whoever made it (an import, the workspace, plain SQL).
ALTER TABLE school ADD COLUMN version integer NOT NULL DEFAULT 1;

-- The version is not part of a school's state as imports and the history compare it.
CREATE OR REPLACE FUNCTION edugis_school_json(s school) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT to_jsonb(s) - 'location' - 'version' || jsonb_build_object(
    'lng', CASE WHEN s.location IS NULL THEN NULL ELSE round(ST_X(s.location)::numeric, 7) END,
    'lat', CASE WHEN s.location IS NULL THEN NULL ELSE round(ST_Y(s.location)::numeric, 7) END)
$$;

CREATE FUNCTION edugis_school_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF edugis_school_json(NEW) IS DISTINCT FROM edugis_school_json(OLD) THEN
    NEW.version := OLD.version + 1;
  END IF;
  RETURN NEW;
END $$;
-- Fires after school_ward (triggers of one event run in name order), so a moved school's new ward counts too.
CREATE TRIGGER school_zz_version BEFORE UPDATE ON school FOR EACH ROW EXECUTE FUNCTION edugis_school_version();
