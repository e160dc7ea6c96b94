import NomadKit

/// Industry scenario open days (产业场景开放日). `event_id` names the open day
/// on the calendar (an event of kind open_day). A proposal's members
/// are an array (the proposer first) because they are read together and
/// searched only by "am I in it" (the GIN index).
let migration0011OpenDays = """
    CREATE TABLE open_day_scenarios (
      id uuid PRIMARY KEY,
      enterprise_id uuid NOT NULL,
      event_id uuid REFERENCES events (id),
      title_zh text NOT NULL,
      title_en text NOT NULL DEFAULT '',
      description_zh text NOT NULL,
      description_en text NOT NULL DEFAULT '',
      business_problem text NOT NULL,
      data_offered text NOT NULL DEFAULT '',
      budget_currency text NOT NULL,
      budget_minor bigint NOT NULL CHECK (budget_minor >= 0),
      deadline timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX open_day_scenarios_newest ON open_day_scenarios (created_at DESC, id DESC);
    CREATE INDEX open_day_scenarios_by_enterprise ON open_day_scenarios (enterprise_id, created_at DESC);

    CREATE TABLE scenario_proposals (
      id uuid PRIMARY KEY,
      scenario_id uuid NOT NULL REFERENCES open_day_scenarios (id),
      proposer_id uuid NOT NULL,
      member_ids uuid[] NOT NULL CHECK (member_ids[1] = proposer_id),
      summary text NOT NULL,
      links text[] NOT NULL DEFAULT '{}',
      evidence_hash text NOT NULL DEFAULT '',
      status smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 3),
      pairing_note text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      shortlisted_at timestamptz,
      paired_at timestamptz,
      -- One proposal per proposer per scenario.
      UNIQUE (scenario_id, proposer_id),
      CHECK (status = 1 OR shortlisted_at IS NOT NULL),
      CHECK (status <> 3 OR paired_at IS NOT NULL)
    );
    CREATE INDEX scenario_proposals_by_scenario ON scenario_proposals (scenario_id, created_at, id);
    CREATE INDEX scenario_proposals_members ON scenario_proposals USING gin (member_ids);
    """
