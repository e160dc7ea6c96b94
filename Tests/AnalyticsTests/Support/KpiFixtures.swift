import Foundation
import GRPCCore
@testable import Analytics
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// Starts analytics with explicit KPI settings (e.g. a lower super-individual threshold).
func withAnalytics(kpiSettings: KpiSettings, _ body: (AnalyticsEnv) async throws -> Void) async throws {
    try await withTestApp(
        AnalyticsDefinition.make(kpiSettings: kpiSettings),
        configure: {
            $0.serviceTokenKey = AnalyticsEnv.serviceKey
        }
    ) { app in
        try await body(AnalyticsEnv(app: app, client: AnalyticsClient(wrapping: app.client)))
    }
}

/// A zone day as the contract spells it.
func day(_ iso: String) -> Nomad_Common_V1_Date { ZoneDay(iso: iso)!.message }

func period(_ from: String, _ to: String) -> Nomad_Analytics_V1_Period {
    .with {
        $0.from = day(from)
        $0.to = day(to)
    }
}

func cny(_ yuan: Int64) -> Nomad_Common_V1_Money {
    .with {
        $0.currencyCode = "CNY"
        $0.minorUnits = yuan * 100
    }
}

/// A well-formed evidence digest.
func evidenceHash(_ seed: String = UUID().uuidString) -> String {
    let hex = seed.utf8.map { String(format: "%02x", $0) }.joined()
    return String((hex + String(repeating: "0", count: 64)).prefix(64))
}

/// An instant given in the zone's local time, "2025-02-01 01:00".
func zoneTime(_ local: String) -> Date {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = ZoneDay.zone
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.date(from: local)!
}

/// Domain events exactly as the services emit them (types, subject ids, payload keys).
enum SuiteEvents {
    static func event(
        _ source: String, _ type: String, at: Date = Date(), subjects: [String: String], payload: String
    ) -> Nomad_Common_V1_DomainEvent {
        .with {
            $0.eventID = UUID().text
            $0.sourceService = source
            $0.type = type
            $0.schemaVersion = 1
            $0.occurredAt = .init(date: at)
            $0.subjectIds = subjects
            $0.payloadJson = payload
        }
    }

    /// `at` defaults to 10:00 on `day`; the zone day in the payload is what counts.
    static func siteVisit(
        _ person: String, day: String, area: String, site: String = UUID().text, at: Date? = nil
    ) -> Nomad_Common_V1_DomainEvent {
        event(
            "identity", "identity.site.visited", at: at ?? zoneTime("\(day) 10:00"),
            subjects: ["account_id": person, "site_id": site], payload: #"{"area":"\#(area)","day":"\#(day)"}"#)
    }

    /// Version 2 (events migration 16) when `role` is given, version 1's
    /// payload without the attendee's role otherwise.
    static func checkIn(
        event eventID: String, attendee: String, day: String, area: String, session: String = "", role: String? = nil
    ) -> Nomad_Common_V1_DomainEvent {
        var subjects = ["event_id": eventID, "attendee_id": attendee, "registration_id": UUID().text]
        if !session.isEmpty { subjects["session_id"] = session }
        let attendeeRole = role.map { #""attendee_role":"\#($0)","# } ?? ""
        return event(
            "events", "events.checkin.recorded", at: zoneTime("\(day) 09:00"), subjects: subjects,
            payload: """
                {"area":"\(area)","attendee_id":"\(attendee)",\(attendeeRole)"event_id":"\(eventID)","event_kind":"forum",\
                "session_id":"\(session)","visit_day":"\(day)","with_card":true}
                """)
    }

    /// identity.site.created, as IdentityService+Sites writes it.
    static func siteCreated(_ site: String, international: Bool, at: Date) -> Nomad_Common_V1_DomainEvent {
        event(
            "identity", "identity.site.created", at: at, subjects: ["site_id": site],
            payload: #"{"area":"coreXinyingBay","capacity":"30","international":"\#(international)"}"#)
    }

    static func settled(_ account: String, at: Date) -> Nomad_Common_V1_DomainEvent {
        event("identity", "identity.nomad.settled", at: at, subjects: ["account_id": account], payload: #"{"reason":"talent"}"#)
    }

    static func certified(_ account: String, at: Date) -> Nomad_Common_V1_DomainEvent {
        event(
            "identity", "identity.nomad.certified", at: at,
            subjects: ["account_id": account, "certification_id": UUID().text, "card_number": "NZ0000000001"],
            payload: #"{"criteria_met":"true"}"#)
    }

    static func postingPublished(_ job: String, at: Date) -> Nomad_Common_V1_DomainEvent {
        event(
            "jobs", "jobs.posting.published", at: at, subjects: ["job_id": job, "enterprise_id": UUID().text],
            payload:
                #"{"budget_minor":100000,"claimable":true,"currency":"CNY","essential_codes":[],"mode":1,"seats":2,"skill_codes":["swift"]}"#
        )
    }

    static func orderIDs(_ order: String) -> [String: String] {
        ["order_id": order, "job_id": UUID().text, "nomad_id": UUID().text, "enterprise_id": UUID().text]
    }

    static func contractSigned(_ order: String, at: Date) -> Nomad_Common_V1_DomainEvent {
        event(
            "jobs", "jobs.contract.signed", at: at, subjects: orderIDs(order),
            payload: """
                {"end":"2026-04-30","kind":2,"long_term":true,"mode":1,"seats":2,"seats_taken":1,"start":"2025-05-01","whole_months":12}
                """)
    }

    static func orderCancelled(_ order: String, at: Date) -> Nomad_Common_V1_DomainEvent {
        event(
            "jobs", "jobs.order.cancelled", at: at, subjects: orderIDs(order),
            payload: #"{"by":"nomad","previous_status":2,"seat_released":true}"#)
    }

    static func bountyCompleted(_ bounty: String, at: Date) -> Nomad_Common_V1_DomainEvent {
        event(
            "jobs", "jobs.bounty.completed", at: at, subjects: ["bounty_id": bounty, "publisher_id": UUID().text],
            payload: #"{"currency":"CNY","lead_ids":[],"reward_minor":500000,"winner_application_ids":[]}"#)
    }

    static func contributionCredited(_ contribution: String, units: Int64, at: Date) -> Nomad_Common_V1_DomainEvent {
        let contributor = UUID().text
        return event(
            "assets", "assets.contribution.credited", at: at,
            subjects: ["contribution_id": contribution, "contributor_id": contributor, "owner_id": contributor],
            payload: """
                {"bytes":2048,"contribution_id":"\(contribution)","contributor_id":"\(contributor)","kind":"dataset",\
                "pool_code":"tourism","record_count":10,"units":\(units)}
                """)
    }

    static func contributionRejected(_ contribution: String, at: Date) -> Nomad_Common_V1_DomainEvent {
        event(
            "assets", "assets.contribution.rejected", at: at,
            subjects: ["contribution_id": contribution, "contributor_id": UUID().text, "owner_id": UUID().text],
            payload: #"{"contribution_id":"\#(contribution)","contributor_id":"x","reversed_units":50}"#)
    }

    /// `points` as JSON text, number or string: analytics must read both.
    static func pointsRedeemed(points: String, at: Date) -> Nomad_Common_V1_DomainEvent {
        let owner = UUID().text, merchant = UUID().text
        return event(
            "assets", "assets.points.redeemed", at: at,
            subjects: ["owner_id": owner, "merchant_id": merchant, "transaction_id": UUID().text],
            payload: #"{"merchant_id":"\#(merchant)","owner_id":"\#(owner)","points":\#(points),"scene":"coffee"}"#)
    }
}

extension AnalyticsEnv {
    /// Submits a report as `reporter` and returns it.
    @discardableResult
    func submitRevenueReport(
        _ reporter: TestCaller, from: String, to: String, revenueYuan: Int64, taxYuan: Int64 = 0,
        individual: Bool = false, requestID: String = UUID().uuidString
    ) async throws -> Nomad_Analytics_V1_RevenueReport {
        try await client.submitRevenueReport(
            .with {
                $0.requestID = requestID
                $0.individual = individual
                $0.period = period(from, to)
                $0.revenue = cny(revenueYuan)
                $0.tax = cny(taxYuan)
                $0.evidenceHashes = [evidenceHash("a"), evidenceHash("b")]
            }, metadata: reporter.metadata)
    }

    @discardableResult
    func decideRevenueReport(
        _ reportID: String, confirm: Bool, reason: String = "", by officer: TestCaller? = nil
    ) async throws -> Nomad_Analytics_V1_RevenueReport {
        try await client.decideRevenueReport(
            .with {
                $0.requestID = UUID().uuidString
                $0.reportID = reportID
                $0.confirm = confirm
                $0.reason = reason
            }, metadata: (officer ?? self.officer()).metadata)
    }

    @discardableResult
    func recordRecognition(
        _ enterprise: String, on iso: String, requestID: String = UUID().uuidString, by officer: TestCaller? = nil
    ) async throws -> Nomad_Analytics_V1_Recognition {
        try await client.recordRecognition(
            .with {
                $0.requestID = requestID
                $0.enterpriseID = enterprise
                $0.recognizedOn = day(iso)
                $0.reference = "琼科高新 2025-001"
                $0.evidenceHashes = [evidenceHash("c")]
            }, metadata: (officer ?? recognitionOfficer()).metadata)
    }

    func getKpiSeries(
        _ code: String, _ from: String, _ to: String, area: Nomad_Analytics_V1_Area = .unspecified
    ) async throws -> Nomad_Analytics_V1_KpiSeries {
        try await client.getKpiSeries(
            .with {
                $0.code = code
                $0.period = period(from, to)
                $0.area = area
            }, metadata: officer().metadata)
    }

    /// Rows of a table of the service's schema matching `condition`.
    func count(_ table: String, _ condition: String = "true") async throws -> Int {
        try await app.withSchemaConnection { tx in
            let row = try await tx.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table) WHERE \(condition)")).collect().first!
            return try row.decode(Int.self)
        }
    }
}

extension Nomad_Analytics_V1_KpiSeries {
    /// month → (value, running_total)
    var byMonth: [String: (Int64, Int64)] {
        Dictionary(uniqueKeysWithValues: points.map { ($0.month, ($0.value, $0.runningTotal)) })
    }
}
