/// Contributions and proof of work. A content hash (data) or evidence hash
/// (tasks) is credited at most once: the unique indexes refuse a second
/// contribution with the same hash, whatever its status. POW moves only
/// through the ledger; pow_units here records what acceptance credited.
/// Valuation rules are versioned; a contribution keeps the version it was
/// valued with.
let migration0003Contributions = """
    CREATE TABLE valuation_rules (
      version integer PRIMARY KEY,
      records_per_unit bigint NOT NULL CHECK (records_per_unit > 0),
      bytes_per_unit bigint NOT NULL CHECK (bytes_per_unit > 0),
      min_quality integer NOT NULL CHECK (min_quality BETWEEN 0 AND 100),
      labelling_milli bigint NOT NULL CHECK (labelling_milli >= 0),
      cleaning_milli bigint NOT NULL CHECK (cleaning_milli >= 0),
      model_training_milli bigint NOT NULL CHECK (model_training_milli >= 0),
      effective_from timestamptz NOT NULL DEFAULT now(),
      set_by uuid
    );
    INSERT INTO valuation_rules VALUES (1, 1000, 10485760, 60, 1000, 1500, 4000, '2026-01-01T00:00:00Z', NULL);

    CREATE TABLE contributions (
      id uuid PRIMARY KEY,
      contributor_id uuid NOT NULL,
      pool_code text NOT NULL REFERENCES pools (code),
      -- 1 data, 2 labelling, 3 cleaning, 4 model training (the proto's numbers).
      kind smallint NOT NULL CHECK (kind BETWEEN 1 AND 4),
      record_count bigint NOT NULL DEFAULT 0 CHECK (record_count >= 0),
      bytes bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
      content_hash text,
      evidence_hash text,
      work_units bigint NOT NULL DEFAULT 0 CHECK (work_units >= 0),
      work_unit_label text NOT NULL DEFAULT '',
      quality_score integer NOT NULL CHECK (quality_score BETWEEN 0 AND 100),
      -- 1 pending, 2 accepted, 3 rejected, 4 reversed.
      status smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 4),
      pow_units bigint NOT NULL DEFAULT 0 CHECK (pow_units >= 0),
      valuation_rule_version integer REFERENCES valuation_rules (version),
      reversed_units bigint NOT NULL DEFAULT 0,
      unrecovered_units bigint NOT NULL DEFAULT 0,
      reviewed_by uuid,
      review_note text NOT NULL DEFAULT '',
      accepted_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 1) = (content_hash IS NOT NULL)),
      CHECK ((kind = 1) = (evidence_hash IS NULL)),
      CHECK (reversed_units + unrecovered_units <= pow_units)
    );
    CREATE UNIQUE INDEX contributions_content_hash ON contributions (content_hash) WHERE content_hash IS NOT NULL;
    CREATE UNIQUE INDEX contributions_evidence_hash ON contributions (evidence_hash) WHERE evidence_hash IS NOT NULL;
    CREATE INDEX contributions_by_contributor ON contributions (contributor_id, created_at DESC, id);
    CREATE INDEX contributions_newest ON contributions (created_at DESC, id);
    CREATE INDEX contributions_accepted_by_pool ON contributions (pool_code, accepted_at, id) WHERE status = 2;
    """
