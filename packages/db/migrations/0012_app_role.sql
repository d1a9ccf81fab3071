-- The application's requests run as role edugis_app, not as the owner of the schema (issue 11). The owner (the
-- user of DATABASE_URL) migrates and seeds; the server then switches to edugis_app, which may read everything
-- and write only what the application writes. It cannot TRUNCATE or DELETE assessments, touch the audit log
-- beyond appending, or write the tables that triggers keep (published results, generations, zone facts). The
-- triggers stay as a second wall, for the owner too: a published result cannot be deleted, nor the audit log
-- or the assessments truncated (a full reload by `pnpm seed --reset` lifts that wall inside its transaction).

-- Roles belong to the whole server: created once, reused by every database of it. A user who may not create
-- roles (a managed service) gets a notice, and the server runs as the owner and says so (README "Database roles").
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edugis_app') THEN
    CREATE ROLE edugis_app NOLOGIN;
  END IF;
  IF NOT pg_has_role(current_user, 'edugis_app', 'MEMBER') THEN
    EXECUTE format('GRANT edugis_app TO %I', current_user);
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'edugis: cannot create or join role edugis_app (%): the server will run with the owner''s privileges', SQLERRM;
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edugis_app') THEN
    GRANT USAGE ON SCHEMA public TO edugis_app;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO edugis_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO edugis_app;
    -- What the application writes, and nothing more (no DELETE but of sessions; no TRUNCATE anywhere).
    GRANT INSERT, UPDATE ON maturity_assessment TO edugis_app;
    GRANT INSERT ON assessment_audit TO edugis_app;
    GRANT INSERT ON data_source TO edugis_app;
    GRANT INSERT, UPDATE ON app_user TO edugis_app;
    GRANT INSERT, DELETE ON user_session TO edugis_app;
    GRANT INSERT, UPDATE ON login_address TO edugis_app;
    GRANT INSERT, UPDATE ON ward_demand TO edugis_app;
    GRANT INSERT ON problem_report TO edugis_app;
    -- Tables added later are readable; their writes are granted by the migration that adds them.
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO edugis_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO edugis_app;
  END IF;
END $$;

-- The triggers that keep derived tables write them with the owner's rights, whoever changed the row.
ALTER FUNCTION edugis_keep_published_result() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION edugis_bump_geometry_generation() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION edugis_bump_both_generations() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION edugis_refresh_zone_facts(text[]) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION edugis_zone_facts_from_rows() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION edugis_zone_facts_for_school() SECURITY DEFINER SET search_path = public, pg_temp;

-- The second wall, for every role.
CREATE FUNCTION edugis_published_is_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'maturity_assessment %: a published result is never deleted; create a correction', OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER maturity_assessment_published_is_kept BEFORE DELETE ON maturity_assessment
  FOR EACH ROW WHEN (OLD.status = 'PUBLISHED') EXECUTE FUNCTION edugis_published_is_kept();

CREATE FUNCTION edugis_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is never truncated (the audit log and results are kept; a full reload is pnpm seed --reset)', TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER assessment_audit_no_truncate BEFORE TRUNCATE ON assessment_audit
  FOR EACH STATEMENT EXECUTE FUNCTION edugis_no_truncate();
CREATE TRIGGER maturity_assessment_no_truncate BEFORE TRUNCATE ON maturity_assessment
  FOR EACH STATEMENT EXECUTE FUNCTION edugis_no_truncate();
