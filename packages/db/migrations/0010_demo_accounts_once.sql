-- Demo accounts (one per role, public password) are created at most once per database: an operator who deletes
-- them never finds them re-created at the next start (issue 11). The row records when they were created; a
-- database that already has them is marked now.
CREATE TABLE demo_accounts_state (
  id         integer PRIMARY KEY CHECK (id = 1),
  created_at timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO demo_accounts_state (id) SELECT 1 WHERE EXISTS (SELECT 1 FROM app_user WHERE is_demo);
