import Testing

/// The JSON every event writes today, key for key: stored events and the KPI
/// SQL depend on it, so a change here is a migration, not a refactor.
@Suite struct StoredKeysTests {
    static let todaysKeys: [String: Set<String>] = [
        "identity.nomad.registered": ["nationality", "foreign"],
        "identity.enterprise.registered": ["credit_code"],
        "identity.card.status_changed": ["status", "reason"],
        "identity.application.submitted": ["service_code", "department", "applicant_role", "processing_days"],
        "identity.application.decided": ["service_code", "department", "approved", "late"],
        "identity.application.rated": ["service_code", "department", "stars", "overdue"],
        "identity.permit.applied": ["nationality", "months", "activities", "start_date", "renews_permit_id"],
        "identity.permit.decided": ["approved", "months", "valid_from", "valid_until"],
        "identity.permit.revoked": ["valid_until", "revoked_on"],
        "identity.certification.applied": ["criteria_met"],
        "identity.nomad.certified": ["criteria_met"],
        "identity.nomad.settled": ["reason"],
        "identity.site.created": ["area", "capacity", "international"],
        "identity.site.visited": ["day", "area"],

        "jobs.application.submitted": ["mode"],
        "jobs.contract.signed": ["kind", "start", "end", "whole_months", "long_term", "mode", "seats_taken", "seats"],
        "jobs.application.rejected": ["status"],
        "jobs.delivery.submitted": ["status"],
        "jobs.order.rated": ["by", "stars"],
        "jobs.order.cancelled": ["by", "previous_status", "seat_released"],
        "jobs.order.completed": ["mode", "contract_kind", "skill_codes", "budget_currency", "budget_minor", "milestones"],
        "jobs.posting.published": [
            "mode", "seats", "skill_codes", "essential_codes", "budget_minor", "currency", "claimable", "external_id",
        ],
        "jobs.posting.updated": [
            "mode", "seats", "skill_codes", "essential_codes", "budget_minor", "currency", "claimable", "external_id",
        ],
        "jobs.posting.closed": ["mode", "seats", "seats_taken", "by_role", "reason"],
        "jobs.skill.created": ["parent_code", "aliases"],
        "jobs.skill.aliases_added": ["parent_code", "aliases"],
        "jobs.scenario.created": ["skill_code", "level", "provider", "hours"],
        "jobs.training.completed": ["skill_code", "level", "provider", "hours", "department"],
        "jobs.profile.updated": ["skill_count", "fields", "standing", "availability"],
        "jobs.bounty.published": ["publisher_role", "winner_places", "currency", "budget_minor", "required_skills", "milestones"],
        // The snake_case strategy splits "IDs" so; stored events have these keys.
        "jobs.bounty.applied": ["kind", "member_i_ds"],
        "jobs.bounty.won": ["member_i_ds", "kind", "place", "winner_places", "filled"],
        "jobs.bounty.completed": ["winner_application_i_ds", "lead_i_ds", "currency", "reward_minor"],
        "jobs.bounty.cancelled": ["reason"],

        "assets.asset.traded": ["asset_id", "version", "trade_id", "buyer_id", "seller_id", "units", "unit_price_minor", "currency"],
        "assets.contribution.credited": ["contribution_id", "contributor_id", "pool_code", "kind", "units", "record_count", "bytes"],
        "assets.contribution.rejected": ["contribution_id", "contributor_id", "reversed_units"],
        "assets.asset.registered": ["asset_id", "owner_id", "pool_code", "version"],
        "assets.asset.valued": ["asset_id", "version", "method", "value_minor", "currency"],
        "assets.alert.raised": ["alert_id", "asset_id", "trade_id", "kind", "deviation_bp"],
        "assets.voucher.issued": ["holder_id", "holder_kind", "amount", "expires_on"],
        "assets.voucher.spent": ["holder_id", "purpose", "amount"],
        "assets.token.issued": ["asset_id", "units", "holder_id"],
        "assets.token.transferred": ["asset_id", "from_id", "to_id", "units", "forced"],
        "assets.pool.access_granted": ["grant_id", "pool_code", "enterprise_id"],
        "assets.points.expired": ["owner_id", "unit", "amount"],

        "events.event.published": ["event_id", "kind", "organizer_id", "area", "online", "starts_at"],
        "events.event.cancelled": ["event_id", "reason"],
        "events.reward.applied": ["application_id", "event_id", "organizer_id", "registered", "checked_in"],
        "events.award.granted": ["competition_id", "track_id", "submission_id", "award", "rank", "member_ids"],
        "events.registration.cancelled": ["event_id", "registration_id", "attendee_id"],
        "events.registration.promoted": ["event_id", "registration_id", "attendee_id"],
        "events.docking.requested": ["docking_id", "submission_id", "target_id", "target_kind"],
        "events.docking.answered": ["docking_id", "answer"],
        "events.docking.outcome": ["docking_id", "submission_id", "target_id", "target_kind", "outcome"],
        "events.submission.created": ["competition_id", "track_id", "submission_id", "member_ids"],
        "events.scenario.published": ["scenario_id", "enterprise_id", "event_id"],
        "events.proposal.shortlisted": ["scenario_id", "proposal_id", "enterprise_id", "proposer_id"],
        "events.pairing.recorded": ["scenario_id", "proposal_id", "enterprise_id", "proposer_id"],

        "analytics.revenue.confirmed": ["period_from", "period_to", "individual", "revenue_minor", "tax_minor"],
        "analytics.enterprise.recognized": ["recognized_on"],
    ]

    static let todaysSubjects: [String: Set<String>] = [
        "identity.nomad.registered": ["account_id"],
        "identity.enterprise.registered": ["account_id"],
        "identity.card.status_changed": ["account_id"],
        "identity.application.submitted": ["account_id", "application_id"],
        "identity.application.decided": ["account_id", "application_id"],
        "identity.application.rated": ["account_id", "application_id"],
        "identity.permit.applied": ["account_id", "permit_id"],
        "identity.permit.decided": ["account_id", "permit_id"],
        "identity.permit.revoked": ["account_id", "permit_id"],
        "identity.certification.applied": ["account_id", "certification_id"],
        "identity.nomad.certified": ["account_id", "certification_id"],
        "identity.nomad.settled": ["account_id"],
        "identity.site.created": ["site_id"],
        "identity.site.visited": ["account_id", "site_id"],
        "jobs.application.submitted": ["order_id", "job_id", "nomad_id", "enterprise_id"],
        "jobs.contract.signed": ["order_id", "job_id", "nomad_id", "enterprise_id"],
        "jobs.application.rejected": ["order_id", "job_id", "nomad_id", "enterprise_id"],
        "jobs.delivery.submitted": ["order_id", "job_id", "nomad_id", "enterprise_id"],
        "jobs.order.rated": ["order_id", "job_id", "nomad_id", "enterprise_id"],
        "jobs.order.cancelled": ["order_id", "job_id", "nomad_id", "enterprise_id"],
        "jobs.order.completed": ["order_id", "job_id", "nomad_id", "enterprise_id"],
        "jobs.posting.published": ["job_id", "enterprise_id"],
        "jobs.posting.updated": ["job_id", "enterprise_id"],
        "jobs.posting.closed": ["job_id", "enterprise_id", "actor_id"],
        "jobs.skill.created": ["skill_code", "actor_id"],
        "jobs.skill.aliases_added": ["skill_code", "actor_id"],
        "jobs.scenario.created": ["scenario_id"],
        "jobs.training.completed": ["nomad_id", "scenario_id", "officer_id"],
        "jobs.profile.updated": ["nomad_id"],
        "jobs.bounty.published": ["bounty_id", "job_id", "publisher_id"],
        "jobs.bounty.applied": ["bounty_id", "application_id", "lead_id"],
        "jobs.bounty.won": ["bounty_id", "application_id", "lead_id", "publisher_id"],
        "jobs.bounty.completed": ["bounty_id", "publisher_id"],
        "jobs.bounty.cancelled": ["bounty_id", "publisher_id"],
        "assets.asset.traded": ["asset_id", "trade_id", "buyer_id", "seller_id"],
        "assets.contribution.credited": ["contribution_id", "contributor_id", "owner_id"],
        "assets.contribution.rejected": ["contribution_id", "contributor_id", "owner_id"],
        "assets.asset.registered": ["asset_id", "owner_id"],
        "assets.asset.valued": ["asset_id", "valuation_id"],
        "assets.alert.raised": ["alert_id", "asset_id", "trade_id"],
        "assets.voucher.issued": ["holder_id", "owner_id", "officer_id", "transaction_id"],
        "assets.voucher.spent": ["holder_id", "owner_id", "reference_id", "transaction_id"],
        "assets.token.issued": ["asset_id", "holder_id"],
        "assets.token.transferred": ["asset_id", "from_id", "to_id"],
        "assets.pool.access_granted": ["grant_id", "enterprise_id", "owner_id", "officer_id"],
        "assets.points.expired": ["owner_id", "account_id"],
        "events.event.published": ["event_id", "organizer_id"],
        "events.event.cancelled": ["event_id", "organizer_id"],
        "events.reward.applied": ["application_id", "event_id", "organizer_id"],
        "events.award.granted": ["competition_id", "track_id", "submission_id", "award_id"],
        "events.registration.cancelled": ["event_id", "registration_id", "attendee_id"],
        "events.registration.promoted": ["event_id", "registration_id", "attendee_id"],
        "events.docking.requested": ["docking_id", "submission_id", "target_id", "competition_id"],
        "events.docking.answered": ["docking_id", "submission_id", "target_id"],
        "events.docking.outcome": ["docking_id", "submission_id", "target_id", "competition_id"],
        "events.submission.created": ["competition_id", "track_id", "submission_id", "submitter_id"],
        "events.scenario.published": ["scenario_id", "enterprise_id"],
        "events.proposal.shortlisted": ["scenario_id", "proposal_id", "enterprise_id", "proposer_id"],
        "events.pairing.recorded": ["scenario_id", "proposal_id", "enterprise_id", "proposer_id"],
        "analytics.revenue.confirmed": ["reporter_id", "report_id"],
        "analytics.enterprise.recognized": ["enterprise_id", "recognition_id"],
    ]

    @Test func everyEventHasOneTypeAndTodaysKeys() throws {
        let samples = try Samples.all()
        let types = samples.map(\.type)
        #expect(Set(types).count == types.count, "an event type is declared twice")
        #expect(Set(types) == Set(Self.todaysKeys.keys))
        #expect(Set(types) == Set(Self.todaysSubjects.keys))
        for sample in samples {
            #expect(sample.payloadKeys == Self.todaysKeys[sample.type], "\(sample.type): \(sample.payloadJSON)")
            #expect(sample.subjectKeys == Self.todaysSubjects[sample.type], "\(sample.type): \(sample.subjectKeys)")
            #expect(sample.schemaVersion == 1, "\(sample.type)")
        }
    }

    /// Identity's payloads were string dictionaries: the values stay strings,
    /// and a rejected permit still writes no validity.
    @Test func identityWritesWhatItsDictionariesWrote() throws {
        let submitted = try #require(try IdentitySamples.all().first { $0.type == "identity.application.submitted" })
        #expect(
            submitted.payloadJSON
                == #"{"applicant_role":"nomad","department":"d","processing_days":"5","service_code":"s"}"#)
        #expect(try IdentitySamples.rejectedPermit().payloadJSON == #"{"approved":"false","months":"6"}"#)
    }

    @Test func datesAndNestedValuesAreUnchanged() throws {
        let published = try #require(try EventsSamples.all().first { $0.type == "events.event.published" })
        #expect(published.payloadJSON.contains(#""starts_at":"1970-01-01T00:00:00Z""#))
        let award = try #require(try EventsSamples.all().first { $0.type == "events.award.granted" })
        #expect(award.payloadJSON.contains(#""award":{"en":"Prize","zh_cn":"奖"}"#))
    }
}
