/// Every key of another service's event (and of analytics' own) that the KPI,
/// eligibility and performance SQL reads, by event type. Analytics does not
/// import the producers; EventContractTests checks these names against the
/// payloads the producers encode, and that the SQL reads no key missing here,
/// so a renamed key fails a test instead of silently zeroing a KPI.
enum EventReads {
    struct Keys: Sendable {
        var subjects: Set<String> = []
        var payload: Set<String> = []
    }

    static let byType: [String: Keys] = [
        "identity.site.visited": Keys(subjects: ["account_id"], payload: ["day", "area"]),
        "identity.site.created": Keys(subjects: ["site_id"], payload: ["international"]),
        "identity.nomad.settled": Keys(subjects: ["account_id"]),
        "identity.nomad.certified": Keys(subjects: ["account_id"]),
        "identity.application.submitted": Keys(
            subjects: ["application_id"], payload: ["service_code", "department", "processing_days"]),
        "identity.application.decided": Keys(subjects: ["application_id"], payload: ["late"]),
        "identity.application.rated": Keys(subjects: ["application_id"], payload: ["stars"]),
        "jobs.posting.published": Keys(subjects: ["job_id"]),
        "jobs.contract.signed": Keys(subjects: ["order_id", "nomad_id", "enterprise_id"], payload: ["kind", "long_term"]),
        "jobs.order.cancelled": Keys(subjects: ["order_id"]),
        "jobs.bounty.completed": Keys(subjects: ["bounty_id"]),
        "assets.contribution.credited": Keys(subjects: ["contribution_id"], payload: ["units"]),
        "assets.contribution.rejected": Keys(subjects: ["contribution_id"]),
        "assets.points.redeemed": Keys(payload: ["points"]),
        "events.event.published": Keys(subjects: ["event_id", "organizer_id"], payload: ["kind", "organizer_id"]),
        "events.event.cancelled": Keys(subjects: ["event_id"]),
        "events.checkin.recorded": Keys(
            subjects: ["event_id", "attendee_id"],
            payload: ["attendee_id", "attendee_role", "visit_day", "area", "event_id"]),
        "analytics.revenue.confirmed": Keys(
            subjects: ["reporter_id"], payload: ["period_to", "revenue_minor", "tax_minor", "individual"]),
        "analytics.enterprise.recognized": Keys(subjects: ["enterprise_id"], payload: ["recognized_on"]),
    ]
}
