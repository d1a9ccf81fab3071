-- Accounts administered by the people who run EduGIS (issue 12): admins for everyone, province staff for the
-- accounts of their province. A new or reset account gets a one-time password and must set its own at its next
-- sign-in; every change to an account (role, scope, name, disabled, a password set or reset) is kept with who made
-- it, never the password or its hash.
ALTER TABLE app_user
  ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
  ADD COLUMN password_changed_at timestamptz(6),
  ADD COLUMN created_by text;

CREATE TABLE account_change (
  id          bigserial PRIMARY KEY,
  user_id     text NOT NULL,
  operation   text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE')),
  before      jsonb,
  after       jsonb,
  actor_id    text,
  import_id   text,
  changed_at  timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX account_change_user_id_changed_at_idx ON account_change (user_id, changed_at);

-- An account as its history shows it: the password only as "was set at".
CREATE FUNCTION edugis_account_json(u app_user) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('username', u.username, 'display_name', u.display_name, 'role', u.role, 'school_id', u.school_id,
    'unit_id', u.unit_id, 'disabled', u.disabled, 'must_change_password', u.must_change_password,
    'password_changed_at', u.password_changed_at)
$$;

CREATE FUNCTION edugis_audit_account() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  b jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE edugis_account_json(OLD) END;
  a jsonb := edugis_account_json(NEW);
BEGIN
  IF coalesce(current_setting('edugis.audit', true), '') = 'off'
     OR (b IS NOT DISTINCT FROM a AND (TG_OP = 'INSERT' OR NEW.password_hash IS NOT DISTINCT FROM OLD.password_hash)) THEN
    RETURN NULL;
  END IF;
  INSERT INTO account_change (user_id, operation, before, after, actor_id, import_id)
  VALUES (NEW.id, TG_OP, b, a, nullif(current_setting('edugis.actor', true), ''), nullif(current_setting('edugis.import', true), ''));
  RETURN NULL;
END $$;
CREATE TRIGGER app_user_audit AFTER INSERT OR UPDATE ON app_user FOR EACH ROW EXECUTE FUNCTION edugis_audit_account();

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edugis_app') THEN
    GRANT SELECT ON account_change TO edugis_app;
  END IF;
END $$;
