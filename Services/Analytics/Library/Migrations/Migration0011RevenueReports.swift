/// Revenue and tax reported by enterprises and nomads, decided by officers.
/// Overlapping live reports of one reporter are refused under a per-reporter
/// advisory lock (RevenueReportStore.lockReporter), not by an exclusion
/// constraint: that would need the btree_gist extension, which the service's
/// database role may not be allowed to create.
let migration0011RevenueReports = """
    CREATE TABLE revenue_reports (
      id uuid PRIMARY KEY,
      reporter_id uuid NOT NULL,
      reporter_role text NOT NULL,
      individual boolean NOT NULL,
      period_from date NOT NULL,
      period_to date NOT NULL,
      revenue_minor bigint NOT NULL CHECK (revenue_minor >= 0),
      tax_minor bigint NOT NULL CHECK (tax_minor >= 0),
      evidence_hashes text[] NOT NULL CHECK (cardinality(evidence_hashes) BETWEEN 1 AND 10),
      status smallint NOT NULL CHECK (status IN (1, 2, 3)),
      decided_by uuid,
      decision_reason text NOT NULL DEFAULT '',
      submitted_at timestamptz NOT NULL DEFAULT now(),
      decided_at timestamptz,
      CHECK (period_from <= period_to),
      CHECK (date_trunc('year', period_from) = date_trunc('year', period_to)),
      CHECK (revenue_minor > 0 OR tax_minor > 0),
      CHECK ((status = 1) = (decided_at IS NULL))
    );
    CREATE INDEX revenue_reports_reporter ON revenue_reports (reporter_id, period_from);
    CREATE INDEX revenue_reports_listing ON revenue_reports (submitted_at DESC, id DESC);
    """
