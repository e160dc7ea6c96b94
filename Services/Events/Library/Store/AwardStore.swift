import Foundation
import NomadKit
import PostgresNIO

struct AwardRecord: Sendable {
    var id: UUID
    var competitionID: UUID
    var trackID: UUID
    var submissionID: UUID
    var nameZh: String
    var nameEn: String
    var rank: Int
    var members: [UUID]
    var grantedAt: Date
}

/// Awards granted to submissions, one per submission.
enum AwardStore {
    private static let select = """
        SELECT a.id, a.competition_id, a.track_id, a.submission_id, a.name_zh, a.name_en, a.rank, s.member_ids, a.granted_at
        FROM competition_awards a JOIN competition_submissions s ON s.id = a.submission_id
        """

    /// ALREADY_EXISTS when the submission already has an award.
    static func insert(
        _ tx: Tx, id: UUID, submission: SubmissionRecord, name: (zh: String, en: String), rank: Int,
        grantedBy: UUID
    ) async throws {
        do {
            try await tx.query(
                """
                INSERT INTO competition_awards (id, competition_id, track_id, submission_id, name_zh, name_en, rank, granted_by)
                VALUES (\(id), \(submission.competitionID), \(submission.trackID), \(submission.id), \(name.zh), \(name.en),
                  \(rank), \(grantedBy))
                """)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw CompetitionErrors.exists("该作品已获奖", "This submission already has an award")
        }
    }

    static func find(_ tx: Tx, submissionID: UUID) async throws -> AwardRecord? {
        let rows = try await tx.query("\(unescaped: select) WHERE a.submission_id = \(submissionID)")
        for try await row in rows { return try record(row) }
        return nil
    }

    /// By track, then rank, then grant order.
    static func list(_ tx: Tx, competitionID: UUID, page: Page) async throws -> [AwardRecord] {
        let rows = try await tx.query(
            """
            \(unescaped: select) JOIN competition_tracks t ON t.id = a.track_id
            WHERE a.competition_id = \(competitionID)
            ORDER BY t.position, a.rank, a.granted_at, a.id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var awards: [AwardRecord] = []
        for try await row in rows { awards.append(try record(row)) }
        return awards
    }

    private static func record(_ row: PostgresRow) throws -> AwardRecord {
        let (id, competition, track, submission, zh, en, rank, members, at) = try row.decode(
            (UUID, UUID, UUID, UUID, String, String, Int, [UUID], Date).self)
        return AwardRecord(
            id: id, competitionID: competition, trackID: track, submissionID: submission, nameZh: zh, nameEn: en,
            rank: rank, members: members, grantedAt: at)
    }
}
