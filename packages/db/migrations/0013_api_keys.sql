-- API keys for planners and other machines (issue 11, A7): administrators issue, list and revoke them; only the
-- SHA-256 of a key is stored (the key is shown once, at creation). Each key has its own cost limit per request,
-- cost budget per minute and number of requests per day; usage is counted per key and day for administrators.
CREATE TABLE api_key (
  id               text PRIMARY KEY,
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  prefix           text NOT NULL CHECK (prefix ~ '^edg_[A-Za-z0-9_-]{6}$'),
  key_hash         text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  per_request      integer NOT NULL CHECK (per_request BETWEEN 1 AND 1000000),
  per_minute       integer NOT NULL CHECK (per_minute BETWEEN 1 AND 100000000),
  requests_per_day integer NOT NULL CHECK (requests_per_day BETWEEN 1 AND 100000000),
  created_by       text NOT NULL REFERENCES app_user(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  created_at       timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  revoked_at       timestamptz(6),
  revoked_by       text REFERENCES app_user(id) ON DELETE RESTRICT ON UPDATE CASCADE,
  last_used_at     timestamptz(6),
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE UNIQUE INDEX api_key_key_hash_key ON api_key (key_hash);

CREATE TABLE api_key_usage (
  key_id   text NOT NULL REFERENCES api_key(id) ON DELETE CASCADE ON UPDATE CASCADE,
  day      date NOT NULL,
  requests bigint NOT NULL DEFAULT 0 CHECK (requests >= 0),
  cost     bigint NOT NULL DEFAULT 0 CHECK (cost >= 0),
  refused  bigint NOT NULL DEFAULT 0 CHECK (refused >= 0),
  PRIMARY KEY (key_id, day)
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edugis_app') THEN
    GRANT SELECT, INSERT, UPDATE ON api_key, api_key_usage TO edugis_app;
  END IF;
END $$;
