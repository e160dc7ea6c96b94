/// Expression indexes for reward eligibility and service performance, which
/// are computed at query time over ingested_events. Partial by type, so each
/// index only holds the few event types its lookups need.
let migration0021RewardIndexes = """
    -- "Is there an earlier contract of this nomad?" for nomads introduced.
    CREATE INDEX ingested_contract_nomad ON ingested_events ((subject_ids->>'nomad_id'), occurred_at, id)
      WHERE type = 'jobs.contract.signed';
    -- One enterprise's contracts in a year.
    CREATE INDEX ingested_contract_enterprise ON ingested_events ((subject_ids->>'enterprise_id'), occurred_at)
      WHERE type = 'jobs.contract.signed';
    -- Events, their cancellation and check-ins joined by event id.
    CREATE INDEX ingested_event_lifecycle ON ingested_events (type, (subject_ids->>'event_id'))
      WHERE type IN ('events.event.published', 'events.event.cancelled', 'events.checkin.recorded');
    -- Applications' submission, decision and rating joined by application id.
    CREATE INDEX ingested_application ON ingested_events (type, (subject_ids->>'application_id'))
      WHERE type IN ('identity.application.submitted', 'identity.application.decided', 'identity.application.rated');
    """
