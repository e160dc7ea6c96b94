import NomadKit

/// Open bounties (揭榜挂帅). Each bounty also has a companion row in `jobs`
/// (mode 4) so it is found with the rest of the zone's demand. Winners are
/// counted on the bounty row and changed only under its row lock; the CHECKs
/// and the unique winner rank are the last guard against a second winner.
/// bounty_audit is append-only, like identity's audit_log.
let migration0004Bounties = """
    CREATE TABLE bounties (
      id uuid PRIMARY KEY,
      publisher_id uuid NOT NULL,
      publisher_role text NOT NULL CHECK (publisher_role IN ('enterprise', 'officer')),
      job_id uuid NOT NULL UNIQUE REFERENCES jobs (id),
      title text NOT NULL,
      description text NOT NULL,
      budget_currency text NOT NULL,
      budget_minor bigint NOT NULL CHECK (budget_minor >= 0),
      deadline timestamptz NOT NULL,
      applicant_kinds smallint[] NOT NULL DEFAULT '{}',
      certified_only boolean NOT NULL DEFAULT false,
      max_team_size integer NOT NULL DEFAULT 0 CHECK (max_team_size BETWEEN 0 AND 50),
      winner_places integer NOT NULL CHECK (winner_places BETWEEN 1 AND 100),
      winners integer NOT NULL DEFAULT 0 CHECK (winners >= 0 AND winners <= winner_places),
      status smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 4),
      reward_currency text,
      reward_minor bigint CHECK (reward_minor >= 0 AND reward_minor <= budget_minor),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      -- Work starts only once every place is taken.
      CHECK (status <> 2 OR winners = winner_places),
      CHECK ((reward_minor IS NULL) = (reward_currency IS NULL))
    );
    CREATE INDEX bounties_newest ON bounties (created_at DESC, id DESC);
    CREATE INDEX bounties_by_status ON bounties (status, created_at DESC, id DESC);

    CREATE TABLE bounty_skills (
      bounty_id uuid NOT NULL REFERENCES bounties (id) ON DELETE CASCADE,
      position integer NOT NULL,
      skill_code text NOT NULL REFERENCES skills (code),
      min_level smallint NOT NULL CHECK (min_level BETWEEN 1 AND 5),
      weight smallint NOT NULL CHECK (weight BETWEEN 1 AND 10),
      PRIMARY KEY (bounty_id, skill_code)
    );

    CREATE TABLE bounty_milestones (
      bounty_id uuid NOT NULL REFERENCES bounties (id) ON DELETE CASCADE,
      position integer NOT NULL CHECK (position >= 0),
      title text NOT NULL,
      due timestamptz NOT NULL,
      progress_percent smallint NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
      last_report text NOT NULL DEFAULT '',
      reported_by uuid,
      reported_at timestamptz,
      PRIMARY KEY (bounty_id, position)
    );

    CREATE TABLE bounty_applications (
      id uuid PRIMARY KEY,
      bounty_id uuid NOT NULL REFERENCES bounties (id),
      lead_id uuid NOT NULL,
      kind smallint NOT NULL CHECK (kind BETWEEN 1 AND 3),
      team_name text NOT NULL DEFAULT '',
      proposal text NOT NULL DEFAULT '',
      evidence_hash text NOT NULL DEFAULT '',
      status smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 5),
      review_reason text NOT NULL DEFAULT '',
      reviewed_by uuid,
      reviewed_at timestamptz,
      -- 1, 2, ... in signing order; set exactly on winners.
      winner_rank integer CHECK (winner_rank >= 1),
      signed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (bounty_id, lead_id),
      UNIQUE (bounty_id, winner_rank),
      CHECK ((status = 4) = (winner_rank IS NOT NULL AND signed_at IS NOT NULL))
    );
    CREATE INDEX bounty_applications_by_bounty ON bounty_applications (bounty_id, created_at, id);
    CREATE INDEX bounty_applications_by_lead ON bounty_applications (lead_id, created_at);

    -- The members other than the lead, in the order given.
    CREATE TABLE bounty_application_members (
      application_id uuid NOT NULL REFERENCES bounty_applications (id) ON DELETE CASCADE,
      position integer NOT NULL,
      member_id uuid NOT NULL,
      PRIMARY KEY (application_id, member_id)
    );
    CREATE INDEX bounty_application_members_by_member ON bounty_application_members (member_id);

    CREATE TABLE bounty_audit (
      sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      bounty_id uuid NOT NULL REFERENCES bounties (id),
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      actor_id uuid NOT NULL,
      actor_role text NOT NULL,
      action text NOT NULL,
      application_id uuid,
      detail text NOT NULL DEFAULT ''
    );
    CREATE INDEX bounty_audit_by_bounty ON bounty_audit (bounty_id, sequence);
    CREATE FUNCTION bounty_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'bounty_audit is append-only';
    END;
    $$;
    CREATE TRIGGER bounty_audit_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON bounty_audit
      FOR EACH STATEMENT EXECUTE FUNCTION bounty_audit_append_only();
    """
