/// When an account was disabled, for the revocation list the other services
/// poll, and an index that serves both that list and the per-call check.
let migration0003Revocations = """
    ALTER TABLE accounts ADD COLUMN disabled_at timestamptz;
    UPDATE accounts SET disabled_at = now() WHERE disabled;
    ALTER TABLE accounts ADD CONSTRAINT accounts_disabled_at CHECK (disabled = (disabled_at IS NOT NULL));
    CREATE INDEX accounts_revoked ON accounts (disabled_at, id) WHERE disabled;
    """
