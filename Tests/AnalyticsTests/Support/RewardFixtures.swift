import Foundation
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf

/// Hand-made events with the exact types, subject ids and payload fields
/// identity, jobs and events emit, for the reward and performance tests.
enum RewardFixtures {
    /// An instant written in the zone's local time, e.g. "2026-01-01T00:30".
    static func zone(_ local: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: local + ":00+08:00")!
    }

    static func event(
        id: UUID = UUID(), source: String, type: String, at: Date, subjects: [String: String], payload: [String: Any]
    ) -> Nomad_Common_V1_DomainEvent {
        let json = try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        return .with {
            $0.eventID = id.text
            $0.sourceService = source
            $0.type = type
            $0.schemaVersion = 1
            $0.occurredAt = .init(date: at)
            $0.subjectIds = subjects
            $0.payloadJson = String(decoding: json, as: UTF8.self)
        }
    }

    /// jobs.contract.signed as JobsService+Orders writes it (ContractSigned,
    /// snake_case keys, numbers and a JSON bool).
    static func contractSigned(
        nomad: String, enterprise: String, order: String = UUID().text, kind: Int, longTerm: Bool = false, at: Date
    ) -> Nomad_Common_V1_DomainEvent {
        event(
            source: "jobs", type: "jobs.contract.signed", at: at,
            subjects: ["order_id": order, "job_id": UUID().text, "nomad_id": nomad, "enterprise_id": enterprise],
            payload: [
                "kind": kind, "start": "2026-01-01", "end": longTerm ? "2027-01-31" : "", "whole_months": longTerm ? 13 : 3,
                "long_term": longTerm, "mode": 1, "seats_taken": 1, "seats": 5,
            ])
    }

    static func eventPublished(event: String, organizer: String, kind: String, at: Date) -> Nomad_Common_V1_DomainEvent {
        Self.event(
            source: "events", type: "events.event.published", at: at,
            subjects: ["event_id": event, "organizer_id": organizer],
            payload: [
                "event_id": event, "kind": kind, "organizer_id": organizer, "area": "core", "online": false,
                "starts_at": "2026-03-01T02:00:00Z",
            ])
    }

    static func eventCancelled(event: String, organizer: String, at: Date) -> Nomad_Common_V1_DomainEvent {
        Self.event(
            source: "events", type: "events.event.cancelled", at: at,
            subjects: ["event_id": event, "organizer_id": organizer],
            payload: ["event_id": event, "reason": "weather"])
    }

    static func checkIn(
        event: String, attendee: String, kind: String = "training", session: String = "", at: Date
    )
        -> Nomad_Common_V1_DomainEvent
    {
        var subjects = ["event_id": event, "attendee_id": attendee, "registration_id": UUID().text]
        if !session.isEmpty { subjects["session_id"] = session }
        return Self.event(
            source: "events", type: "events.checkin.recorded", at: at, subjects: subjects,
            payload: [
                "event_id": event, "session_id": session, "attendee_id": attendee, "event_kind": kind,
                "area": "core", "visit_day": "2026-03-01", "with_card": true,
            ])
    }

    /// identity.application.submitted / decided / rated (string values, as
    /// IdentityService+Catalogue writes them).
    static func submitted(app: String, code: String, department: String, limitDays: Int, at: Date) -> Nomad_Common_V1_DomainEvent {
        event(
            source: "identity", type: "identity.application.submitted", at: at,
            subjects: ["account_id": UUID().text, "application_id": app],
            payload: [
                "service_code": code, "department": department, "applicant_role": "nomad",
                "processing_days": "\(limitDays)",
            ])
    }

    static func decided(app: String, code: String, department: String, late: Bool, at: Date) -> Nomad_Common_V1_DomainEvent {
        event(
            source: "identity", type: "identity.application.decided", at: at,
            subjects: ["account_id": UUID().text, "application_id": app],
            payload: ["service_code": code, "department": department, "approved": "true", "late": late ? "true" : "false"])
    }

    static func rated(app: String, code: String, department: String, stars: Int, at: Date) -> Nomad_Common_V1_DomainEvent {
        event(
            source: "identity", type: "identity.application.rated", at: at,
            subjects: ["account_id": UUID().text, "application_id": app],
            payload: ["service_code": code, "department": department, "stars": "\(stars)", "overdue": "false"])
    }
}

/// Analytics started with the given reward tiers, as main.swift passes them.
func withRewardsAnalytics(tiers: RewardTiers, _ body: (AnalyticsEnv) async throws -> Void) async throws {
    try await withTestApp(
        AnalyticsDefinition.make(rewardTiers: tiers),
        configure: {
            $0.serviceTokenKey = AnalyticsEnv.serviceKey
        }
    ) { app in
        try await body(AnalyticsEnv(app: app, client: AnalyticsClient(wrapping: app.client)))
    }
}
