import Foundation
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

struct RevenueReportRecord: Sendable {
    var id: UUID
    var reporterID: UUID
    var individual: Bool
    var from: String, to: String
    var revenueMinor: Int64, taxMinor: Int64
    var evidence: [String]
    var status: Int16
    var decidedBy: UUID?
    var reason: String
    var submittedAt: Date
    var decidedAt: Date?
}

/// The revenue_reports table.
enum RevenueReportStore {
    private static let columns = """
        id, reporter_id, individual, period_from::text, period_to::text, revenue_minor, tax_minor,
        evidence_hashes, status, decided_by, decision_reason, submitted_at, decided_at
        """

    /// Serialises one reporter's submissions for the rest of the transaction,
    /// so two overlapping reports sent at once cannot both pass the check.
    static func lockReporter(_ tx: Tx, _ reporter: UUID) async throws {
        try await tx.query(
            "SELECT pg_advisory_xact_lock(hashtextextended('revenue_reports:' || \(reporter.text), 0))")
    }

    /// Whether a submitted or confirmed report of `reporter` overlaps the period.
    static func hasLiveOverlap(
        _ tx: Tx, reporter: UUID, from: ZoneDay, to: ZoneDay
    ) async throws -> Bool {
        try await tx.query(
            """
            SELECT 1 FROM revenue_reports
            WHERE reporter_id = \(reporter) AND status IN (\(literals: [Nomad_Analytics_V1_ReportStatus.submitted, .confirmed]))
              AND period_from <= \(to.iso)::date AND period_to >= \(from.iso)::date
            LIMIT 1
            """
        ).collect().count > 0
    }

    static func insert(
        _ tx: Tx, id: UUID, reporter: Principal, draft: RevenueReportRules.Draft
    ) async throws -> RevenueReportRecord {
        try await records(
            tx.query(
                """
                INSERT INTO revenue_reports (id, reporter_id, reporter_role, individual, period_from, period_to,
                                             revenue_minor, tax_minor, evidence_hashes, status)
                VALUES (\(id), \(reporter.accountID), \(reporter.role.rawValue), \(draft.individual),
                        \(draft.from.iso)::date, \(draft.to.iso)::date, \(draft.revenueMinor), \(draft.taxMinor),
                        \(draft.evidence)::text[], 1)
                RETURNING \(unescaped: columns)
                """)
        ).returnedRow()
    }

    static func find(
        _ tx: Tx, id: UUID, lock: RowLock = .none
    ) async throws -> RevenueReportRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM revenue_reports WHERE id = \(id)\(unescaped: lock.sql)")
        return try await records(rows).first
    }

    static func decide(
        _ tx: Tx, id: UUID, status: RevenueReportRules.Status, by officer: UUID,
        reason: String
    ) async throws -> RevenueReportRecord {
        try await records(
            tx.query(
                """
                UPDATE revenue_reports
                SET status = \(status.rawValue), decided_by = \(officer), decision_reason = \(reason), decided_at = now()
                WHERE id = \(id)
                RETURNING \(unescaped: columns)
                """)
        ).returnedRow()
    }

    /// Newest first; nil filters match anything.
    static func list(
        _ tx: Tx, reporter: UUID?, status: Int16?, page: Page
    ) async throws -> [RevenueReportRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM revenue_reports
            WHERE (\(reporter)::uuid IS NULL OR reporter_id = \(reporter))
              AND (\(status)::smallint IS NULL OR status = \(status))
            ORDER BY submitted_at DESC, id DESC
            LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        return try await records(rows)
    }

    private static func records(_ rows: PostgresRowSequence) async throws -> [RevenueReportRecord] {
        var result: [RevenueReportRecord] = []
        for try await row in rows {
            let (id, reporter, individual, from, to, revenue, tax, evidence, status, decidedBy, reason, submittedAt, decidedAt) =
                try row.decode((UUID, UUID, Bool, String, String, Int64, Int64, [String], Int16, UUID?, String, Date, Date?).self)
            result.append(
                RevenueReportRecord(
                    id: id, reporterID: reporter, individual: individual, from: from, to: to, revenueMinor: revenue,
                    taxMinor: tax, evidence: evidence, status: status, decidedBy: decidedBy, reason: reason,
                    submittedAt: submittedAt, decidedAt: decidedAt))
        }
        return result
    }
}
