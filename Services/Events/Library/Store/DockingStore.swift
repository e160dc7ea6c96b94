import Foundation
import NomadKit
import PostgresNIO

struct DockingRecord: Sendable {
    var id: UUID
    var competitionID: UUID
    var submissionID: UUID
    var requesterID: UUID
    var targetID: UUID
    var targetKind: Int16
    var requestMessage: String
    var status: Int16
    var answerNote: String
    var outcome: Int16?
    var outcomeBy: UUID?
    var createdAt: Date
    var answeredAt: Date?
    var outcomeAt: Date?
}

/// Award dockings with enterprises and parks.
enum DockingStore {
    private static let columns = """
        d.id, d.competition_id, d.submission_id, d.requester_id, d.target_id, d.target_kind, d.message, d.status, \
        d.answer_note, d.outcome, d.outcome_by, d.created_at, d.answered_at, d.outcome_at
        """

    /// ALREADY_EXISTS when the submission already asked this target.
    static func insert(
        _ tx: Tx, id: UUID, submission: SubmissionRecord, requester: UUID, target: UUID,
        kind: DockingRules.TargetKind, message: String
    ) async throws {
        do {
            try await tx.query(
                """
                INSERT INTO award_dockings (id, competition_id, submission_id, requester_id, target_id, target_kind, message)
                VALUES (\(id), \(submission.competitionID), \(submission.id), \(requester), \(target), \(kind.rawValue),
                  \(message))
                """)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw CompetitionErrors.exists("该作品已向此对象发起过对接", "This submission has already asked this target for docking")
        }
    }

    static func find(_ tx: Tx, id: UUID, lock: RowLock = .none) async throws -> DockingRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM award_dockings d WHERE d.id = \(id)\(unescaped: lock.sql)")
        for try await row in rows { return try record(row) }
        return nil
    }

    static func answer(_ tx: Tx, id: UUID, accept: Bool, note: String) async throws {
        let status = accept ? DockingRules.Status.accepted : .declined
        try await tx.query(
            """
            UPDATE award_dockings SET status = \(status.rawValue), answer_note = \(note), answered_at = now() WHERE id = \(id)
            """)
    }

    static func conclude(
        _ tx: Tx, id: UUID, outcome: DockingRules.Outcome, by recorder: UUID
    ) async throws {
        try await tx.query(
            """
            UPDATE award_dockings SET status = \(DockingRules.Status.concluded.rawValue), outcome = \(outcome.rawValue),
              outcome_by = \(recorder), outcome_at = now()
            WHERE id = \(id)
            """)
    }

    /// Newest first. `party` nil lists every docking (staff); otherwise the
    /// ones that account asked, is asked by, is a member of, or organizes.
    static func list(
        _ tx: Tx, competitionID: UUID?, party: UUID?, page: Page
    ) async throws -> [DockingRecord] {
        let partyArray = party.map { [$0] }
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM award_dockings d
            JOIN competition_submissions s ON s.id = d.submission_id
            JOIN competitions c ON c.id = d.competition_id
            WHERE (\(competitionID)::uuid IS NULL OR d.competition_id = \(competitionID))
              AND (\(party)::uuid IS NULL OR d.requester_id = \(party) OR d.target_id = \(party)
                   OR c.organizer_id = \(party) OR s.member_ids @> \(partyArray)::uuid[])
            ORDER BY d.created_at DESC, d.id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var dockings: [DockingRecord] = []
        for try await row in rows { dockings.append(try record(row)) }
        return dockings
    }

    private static func record(_ row: PostgresRow) throws -> DockingRecord {
        let r = row.makeRandomAccess()
        return DockingRecord(
            id: try r["id"].decode(UUID.self),
            competitionID: try r["competition_id"].decode(UUID.self),
            submissionID: try r["submission_id"].decode(UUID.self),
            requesterID: try r["requester_id"].decode(UUID.self),
            targetID: try r["target_id"].decode(UUID.self),
            targetKind: try r["target_kind"].decode(Int16.self),
            requestMessage: try r["message"].decode(String.self),
            status: try r["status"].decode(Int16.self),
            answerNote: try r["answer_note"].decode(String.self),
            outcome: try r["outcome"].decode(Int16?.self),
            outcomeBy: try r["outcome_by"].decode(UUID?.self),
            createdAt: try r["created_at"].decode(Date.self),
            answeredAt: try r["answered_at"].decode(Date?.self),
            outcomeAt: try r["outcome_at"].decode(Date?.self))
    }
}
