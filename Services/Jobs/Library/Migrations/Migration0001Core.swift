import NomadKit

/// The jobs schema's shared core: the taxonomy, profiles, jobs, orders and
/// scenarios that several areas read. Status and mode columns hold the proto
/// enum numbers. Seats are counted on the job row and changed only under its
/// row lock, and the CHECK constraints are the last guard against overflow.
let migration0001Core = """
    CREATE TABLE skills (
      code text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)*$'),
      parent_code text REFERENCES skills (code),
      name_zh text NOT NULL,
      name_en text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX skills_by_parent ON skills (parent_code, code);

    -- Names and aliases, normalised (lower case, spaces and separators folded),
    -- so "Swift", "swift-lang" and "iOS 开发" resolve through one lookup.
    CREATE TABLE skill_aliases (
      alias_key text PRIMARY KEY,
      alias text NOT NULL,
      skill_code text NOT NULL REFERENCES skills (code)
    );
    CREATE INDEX skill_aliases_by_skill ON skill_aliases (skill_code);

    CREATE TABLE profiles (
      nomad_id uuid PRIMARY KEY,
      availability smallint NOT NULL DEFAULT 0,
      hours_per_week integer NOT NULL DEFAULT 0 CHECK (hours_per_week BETWEEN 0 AND 80),
      time_zone text NOT NULL DEFAULT '',
      languages text[] NOT NULL DEFAULT '{}',
      rate_currency text NOT NULL DEFAULT 'CNY',
      rate_minor bigint NOT NULL DEFAULT 0 CHECK (rate_minor >= 0),
      standing text NOT NULL DEFAULT 'registered',
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE profile_skills (
      nomad_id uuid NOT NULL REFERENCES profiles (nomad_id) ON DELETE CASCADE,
      skill_code text NOT NULL REFERENCES skills (code),
      level smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
      years_experience integer NOT NULL DEFAULT 0 CHECK (years_experience BETWEEN 0 AND 60),
      projects_done integer NOT NULL DEFAULT 0 CHECK (projects_done >= 0),
      tools text[] NOT NULL DEFAULT '{}',
      -- The highest level in skill_verifications, kept here for matching; written
      -- only by VerificationStore.
      verified_level smallint NOT NULL DEFAULT 0 CHECK (verified_level BETWEEN 0 AND 5),
      verification smallint NOT NULL DEFAULT 1,
      PRIMARY KEY (nomad_id, skill_code)
    );
    CREATE INDEX profile_skills_by_skill ON profile_skills (skill_code, level, nomad_id);

    -- Proven levels, kept apart from the declared profile so that a nomad
    -- editing their profile can neither set nor lose them. One row per proof.
    CREATE TABLE skill_verifications (
      id uuid PRIMARY KEY,
      nomad_id uuid NOT NULL,
      skill_code text NOT NULL REFERENCES skills (code),
      level smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
      source smallint NOT NULL,
      reference_id uuid NOT NULL,
      verified_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (nomad_id, skill_code, source, reference_id)
    );
    CREATE INDEX skill_verifications_by_nomad ON skill_verifications (nomad_id, skill_code, level);

    CREATE TABLE jobs (
      id uuid PRIMARY KEY,
      enterprise_id uuid NOT NULL,
      external_id text,
      title text NOT NULL,
      description text NOT NULL,
      tools text[] NOT NULL DEFAULT '{}',
      budget_currency text NOT NULL,
      budget_minor bigint NOT NULL CHECK (budget_minor >= 0),
      mode smallint NOT NULL,
      seats integer NOT NULL CHECK (seats >= 1),
      seats_taken integer NOT NULL DEFAULT 0 CHECK (seats_taken >= 0 AND seats_taken <= seats),
      deadline timestamptz NOT NULL,
      languages text[] NOT NULL DEFAULT '{}',
      claimable boolean NOT NULL DEFAULT false,
      status smallint NOT NULL DEFAULT 1,
      close_reason text,
      -- SHA-256 of the posting as ingested: an identical replay is "unchanged".
      content_hash bytea,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (enterprise_id, external_id)
    );
    CREATE INDEX jobs_by_status ON jobs (status, created_at, id);
    CREATE INDEX jobs_by_enterprise ON jobs (enterprise_id, created_at, id);

    CREATE TABLE job_skills (
      job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
      skill_code text NOT NULL REFERENCES skills (code),
      min_level smallint NOT NULL CHECK (min_level BETWEEN 1 AND 5),
      weight smallint NOT NULL CHECK (weight BETWEEN 1 AND 10),
      essential boolean NOT NULL,
      PRIMARY KEY (job_id, skill_code)
    );
    CREATE INDEX job_skills_by_skill ON job_skills (skill_code, job_id);

    CREATE TABLE orders (
      id uuid PRIMARY KEY,
      job_id uuid NOT NULL REFERENCES jobs (id),
      nomad_id uuid NOT NULL,
      enterprise_id uuid NOT NULL,
      status smallint NOT NULL,
      -- True exactly while the order counts in its job's seats_taken.
      holds_seat boolean NOT NULL DEFAULT false,
      cover_note text NOT NULL DEFAULT '',
      contract_kind smallint,
      contract_start date,
      contract_end date,
      contract_signed_at timestamptz,
      enterprise_stars smallint CHECK (enterprise_stars BETWEEN 1 AND 5),
      enterprise_comment text,
      enterprise_rated_at timestamptz,
      nomad_stars smallint CHECK (nomad_stars BETWEEN 1 AND 5),
      nomad_comment text,
      nomad_rated_at timestamptz,
      cancel_reason text,
      reject_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      CHECK (contract_end IS NULL OR contract_end >= contract_start)
    );
    -- One live application or order per nomad and job.
    CREATE UNIQUE INDEX orders_one_live ON orders (job_id, nomad_id) WHERE status IN (1, 3, 4);
    CREATE INDEX orders_by_job ON orders (job_id, created_at, id);
    CREATE INDEX orders_by_nomad ON orders (nomad_id, created_at, id);
    CREATE INDEX orders_by_enterprise ON orders (enterprise_id, created_at, id);

    CREATE TABLE order_milestones (
      order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
      position integer NOT NULL,
      title text NOT NULL,
      due timestamptz NOT NULL,
      amount_currency text NOT NULL,
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      status smallint NOT NULL DEFAULT 1,
      delivery_note text NOT NULL DEFAULT '',
      evidence_hash text NOT NULL DEFAULT '',
      PRIMARY KEY (order_id, position)
    );

    CREATE TABLE scenarios (
      id uuid PRIMARY KEY,
      skill_code text NOT NULL REFERENCES skills (code),
      level smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
      title_zh text NOT NULL,
      title_en text NOT NULL,
      description_zh text NOT NULL DEFAULT '',
      description_en text NOT NULL DEFAULT '',
      provider text NOT NULL,
      hours integer NOT NULL CHECK (hours BETWEEN 1 AND 2000),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX scenarios_by_skill ON scenarios (skill_code, level, id);

    CREATE TABLE scenario_completions (
      scenario_id uuid NOT NULL REFERENCES scenarios (id),
      nomad_id uuid NOT NULL,
      evidence_hash text NOT NULL DEFAULT '',
      recorded_by uuid NOT NULL,
      completed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (scenario_id, nomad_id)
    );
    CREATE INDEX scenario_completions_by_nomad ON scenario_completions (nomad_id, completed_at);
    """
