import NomadKit

/// The identity schema. Status columns hold the proto enum numbers.
let migration0001Core = """
    CREATE TABLE accounts (
      id uuid PRIMARY KEY,
      username text NOT NULL UNIQUE,
      password_hash text NOT NULL,
      display_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('nomad', 'enterprise', 'officer', 'admin', 'service')),
      created_at timestamptz NOT NULL DEFAULT now(),
      nationality text,
      document_type smallint,
      document_number text,
      languages text[] NOT NULL DEFAULT '{}',
      nomad_status smallint,
      enterprise_name text,
      credit_code text UNIQUE,
      department text,
      disabled boolean NOT NULL DEFAULT false,
      CHECK (role <> 'officer' OR department IS NOT NULL)
    );
    CREATE UNIQUE INDEX accounts_document ON accounts (document_type, document_number) WHERE document_number IS NOT NULL;
    CREATE INDEX accounts_officers ON accounts (department, created_at, id) WHERE role = 'officer';

    CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY,
      family_id uuid NOT NULL,
      account_id uuid NOT NULL REFERENCES accounts (id),
      token_hash bytea NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

    CREATE TABLE certifications (
      id uuid PRIMARY KEY,
      applicant_id uuid NOT NULL REFERENCES accounts (id),
      status smallint NOT NULL,
      evidence jsonb NOT NULL,
      criteria jsonb NOT NULL,
      criteria_met boolean NOT NULL,
      decision_reason text NOT NULL DEFAULT '',
      documents_deadline timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    -- At most one open (pending or awaiting documents) application per nomad.
    CREATE UNIQUE INDEX certifications_one_open ON certifications (applicant_id) WHERE status IN (1, 2);
    CREATE INDEX certifications_queue ON certifications (status, created_at, id);

    CREATE TABLE certification_history (
      id bigserial PRIMARY KEY,
      certification_id uuid NOT NULL REFERENCES certifications (id),
      status smallint NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id uuid,
      reason text NOT NULL DEFAULT ''
    );
    CREATE INDEX certification_history_by_application ON certification_history (certification_id, id);

    CREATE SEQUENCE card_serial;
    CREATE TABLE cards (
      number text PRIMARY KEY,
      holder_id uuid NOT NULL UNIQUE REFERENCES accounts (id),
      status smallint NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );

    CREATE TABLE sites (
      id uuid PRIMARY KEY,
      name_zh text NOT NULL,
      name_en text NOT NULL,
      area smallint NOT NULL,
      address text NOT NULL,
      capacity integer NOT NULL CHECK (capacity > 0),
      amenities text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sites_by_area ON sites (area, created_at, id);

    CREATE TABLE site_visits (
      site_id uuid NOT NULL REFERENCES sites (id),
      holder_id uuid NOT NULL REFERENCES accounts (id),
      day date NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (site_id, holder_id, day)
    );

    CREATE TABLE permits (
      id uuid PRIMARY KEY,
      applicant_id uuid NOT NULL REFERENCES accounts (id),
      months smallint NOT NULL CHECK (months BETWEEN 6 AND 12),
      activities smallint[] NOT NULL,
      status smallint NOT NULL,
      decision_reason text NOT NULL DEFAULT '',
      start_date date NOT NULL,
      valid_from date,
      valid_until date,
      created_at timestamptz NOT NULL DEFAULT now(),
      decided_at timestamptz
    );
    CREATE INDEX permits_by_applicant ON permits (applicant_id, created_at, id);
    CREATE INDEX permits_expiring ON permits (valid_until) WHERE status = 2;

    CREATE TABLE catalogue_entries (
      code text PRIMARY KEY,
      name_zh text NOT NULL,
      name_en text NOT NULL,
      description_zh text NOT NULL,
      description_en text NOT NULL,
      department text NOT NULL,
      audience smallint NOT NULL,
      eligibility jsonb NOT NULL,
      evidence jsonb NOT NULL,
      cost_currency text NOT NULL DEFAULT 'CNY',
      cost_minor bigint NOT NULL DEFAULT 0,
      channels smallint[] NOT NULL,
      processing_days integer NOT NULL CHECK (processing_days > 0)
    );

    CREATE TABLE applications (
      id uuid PRIMARY KEY,
      service_code text NOT NULL REFERENCES catalogue_entries (code),
      applicant_id uuid NOT NULL REFERENCES accounts (id),
      department text NOT NULL,
      status smallint NOT NULL,
      form jsonb NOT NULL,
      evidence_hashes text[] NOT NULL DEFAULT '{}',
      submitted_at timestamptz NOT NULL DEFAULT now(),
      due_at timestamptz NOT NULL,
      decided_at timestamptz,
      decision_reason text NOT NULL DEFAULT '',
      rating smallint CHECK (rating BETWEEN 1 AND 5),
      rating_comment text NOT NULL DEFAULT '',
      rated_at timestamptz
    );
    CREATE INDEX applications_by_applicant ON applications (applicant_id, submitted_at, id);
    CREATE INDEX applications_queue ON applications (department, status, submitted_at, id);

    -- Append-only: no RPC edits or deletes an entry, and the trigger refuses it
    -- even to a direct SQL session of the service's role.
    CREATE TABLE audit_log (
      sequence bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id uuid NOT NULL,
      actor_department text NOT NULL DEFAULT '',
      action text NOT NULL,
      subject text NOT NULL,
      reason text NOT NULL DEFAULT '',
      before jsonb,
      after jsonb
    );
    CREATE INDEX audit_log_subject ON audit_log (subject, sequence);
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only';
    END;
    $$;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    """
