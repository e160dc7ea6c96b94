/// Every domain event of the suite, once per event id. Types analytics does
/// not know yet are kept as they came: a KPI defined later can still count them.
let migration0001IngestedEvents = """
    CREATE TABLE ingested_events (
      id uuid PRIMARY KEY,
      source_service text NOT NULL,
      type text NOT NULL,
      schema_version integer NOT NULL CHECK (schema_version >= 1),
      occurred_at timestamptz NOT NULL,
      subject_ids jsonb NOT NULL,
      payload jsonb NOT NULL,
      ingested_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ingested_events_type ON ingested_events (type, occurred_at);
    CREATE INDEX ingested_events_source ON ingested_events (source_service, occurred_at);
    CREATE INDEX ingested_events_ingested ON ingested_events (ingested_at, id);
    """
