import Foundation
import GRPCCore
import Logging
import NomadKit
import PostgresNIO

enum RewardStatus: Int16, Sendable {
    case pending = 1, approved, rejected
}

struct RewardApplicationRecord: Sendable {
    var id: UUID
    var eventID: UUID
    var organizerID: UUID
    var registered: Int
    var checkedIn: Int
    var statement: String
    var status: RewardStatus
    var reviewNote: String
    var reviewerID: UUID?
    var createdAt: Date
    var reviewedAt: Date?
}

/// Reward applications (会议会展奖励). One per event: the unique event_id decides.
enum RewardStore {
    static let columns = """
        id, event_id, organizer_id, registered, checked_in, statement, status, review_note, reviewer_id, created_at,
        reviewed_at
        """

    static func insert(_ tx: Tx, _ application: RewardApplicationRecord) async throws {
        do {
            try await tx.query(
                """
                INSERT INTO reward_applications (id, event_id, organizer_id, registered, checked_in, statement)
                VALUES (\(application.id), \(application.eventID), \(application.organizerID), \(application.registered),
                  \(application.checkedIn), \(application.statement))
                """)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw NomadError(.alreadyExists, zh: "该活动已申请过奖励", en: "A reward application for this event already exists")
        }
    }

    static func find(
        _ tx: Tx, id: UUID, lock: RowLock = .none
    ) async throws -> RewardApplicationRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM reward_applications WHERE id = \(id)\(unescaped: lock.sql)")
        for try await row in rows { return try record(row) }
        return nil
    }

    static func exists(_ tx: Tx, eventID: UUID) async throws -> Bool {
        try await tx.query(
            "SELECT 1 FROM reward_applications WHERE event_id = \(eventID)"
        ).collect().count > 0
    }

    static func review(
        _ tx: Tx, id: UUID, status: RewardStatus, note: String, reviewer: UUID
    ) async throws {
        try await tx.query(
            """
            UPDATE reward_applications SET status = \(status.rawValue), review_note = \(note), reviewer_id = \(reviewer),
              reviewed_at = now()
            WHERE id = \(id)
            """)
    }

    /// Newest first; `organizerID` nil lists everyone's.
    static func list(
        _ tx: Tx, organizerID: UUID?, status: Int16?, page: Page
    ) async throws -> [RewardApplicationRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM reward_applications
            WHERE (\(organizerID)::uuid IS NULL OR organizer_id = \(organizerID))
              AND (\(status)::smallint IS NULL OR status = \(status))
            ORDER BY created_at DESC, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var out: [RewardApplicationRecord] = []
        for try await row in rows { out.append(try record(row)) }
        return out
    }

    private static func record(_ row: PostgresRow) throws -> RewardApplicationRecord {
        let r = row.makeRandomAccess()
        return RewardApplicationRecord(
            id: try r["id"].decode(UUID.self), eventID: try r["event_id"].decode(UUID.self),
            organizerID: try r["organizer_id"].decode(UUID.self), registered: try r["registered"].decode(Int.self),
            checkedIn: try r["checked_in"].decode(Int.self), statement: try r["statement"].decode(String.self),
            status: RewardStatus(rawValue: try r["status"].decode(Int16.self)) ?? .pending,
            reviewNote: try r["review_note"].decode(String.self), reviewerID: try r["reviewer_id"].decode(UUID?.self),
            createdAt: try r["created_at"].decode(Date.self), reviewedAt: try r["reviewed_at"].decode(Date?.self))
    }
}
