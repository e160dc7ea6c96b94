/// High-tech enterprise recognitions recorded by officers: one per
/// enterprise, which the unique key enforces whatever the concurrency.
let migration0012Recognitions = """
    CREATE TABLE recognitions (
      id uuid PRIMARY KEY,
      enterprise_id uuid NOT NULL UNIQUE,
      recognized_on date NOT NULL,
      reference text NOT NULL,
      evidence_hashes text[] NOT NULL,
      recorded_by uuid NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX recognitions_listing ON recognitions (recorded_at DESC, id DESC);
    """
