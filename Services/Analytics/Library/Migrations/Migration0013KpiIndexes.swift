/// KPI queries look up "was this later undone?" per subject: a cancelled
/// order for a signed contract, a reversal for a credited contribution.
/// Partial expression indexes keep those anti-joins cheap.
let migration0013KpiIndexes = """
    CREATE INDEX ingested_events_cancelled_orders ON ingested_events ((subject_ids->>'order_id'))
      WHERE type = 'jobs.order.cancelled';
    CREATE INDEX ingested_events_rejected_contributions ON ingested_events ((subject_ids->>'contribution_id'))
      WHERE type = 'assets.contribution.rejected';
    """
