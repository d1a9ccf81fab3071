-- Addresses an account signed in from (issue 11): hashed with the account id, never stored as such. An address
-- that signed in before is exempt from the per-account limit of failed sign-ins, so a stranger guessing passwords
-- from elsewhere cannot lock the account's own people out. Rows older than 30 days no longer count.
CREATE TABLE login_address (
  user_id      text NOT NULL REFERENCES app_user(id) ON DELETE CASCADE ON UPDATE CASCADE,
  address_hash text NOT NULL CHECK (address_hash ~ '^[0-9a-f]{64}$'),
  last_seen    timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (user_id, address_hash)
);
