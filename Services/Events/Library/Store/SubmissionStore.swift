import Foundation
import NomadKit
import PostgresNIO

struct SubmissionRecord: Sendable {
    var id: UUID
    var competitionID: UUID
    var trackID: UUID
    var submitterID: UUID
    /// The submitter first.
    var members: [UUID]
    var projectTitle: String
    var description: String
    var links: [String]
    var evidenceHash: String
    var createdAt: Date
}

/// Competition submissions.
enum SubmissionStore {
    private static let columns = """
        id, competition_id, track_id, submitter_id, member_ids, project_title, description, links, evidence_hash, created_at
        """

    /// ALREADY_EXISTS when the submitter already leads a submission in the track.
    static func insert(
        _ tx: Tx, id: UUID, competitionID: UUID, trackID: UUID, draft: SubmissionDraft
    ) async throws {
        do {
            try await tx.query(
                """
                INSERT INTO competition_submissions (id, competition_id, track_id, submitter_id, member_ids, project_title,
                  description, links, evidence_hash)
                VALUES (\(id), \(competitionID), \(trackID), \(draft.members[0]), \(draft.members), \(draft.projectTitle),
                  \(draft.description), \(draft.links), \(draft.evidenceHash))
                """)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw CompetitionErrors.exists("您已在该赛道提交过作品", "You already lead a submission in this track")
        }
    }

    static func find(_ tx: Tx, id: UUID) async throws -> SubmissionRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM competition_submissions WHERE id = \(id)")
        for try await row in rows { return try record(row) }
        return nil
    }

    /// Oldest first, within `track` when set. The rows a caller may see are
    /// those in `tracks` or with `member` among their members; both nil
    /// means every row.
    static func list(
        _ tx: Tx, competitionID: UUID, track: UUID?, tracks: [UUID]?, member: UUID?, page: Page
    ) async throws -> [SubmissionRecord] {
        let memberArray = member.map { [$0] }
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM competition_submissions
            WHERE competition_id = \(competitionID)
              AND (\(track)::uuid IS NULL OR track_id = \(track))
              AND ((\(tracks)::uuid[] IS NULL AND \(memberArray)::uuid[] IS NULL)
                   OR track_id = ANY(\(tracks)::uuid[]) OR member_ids @> \(memberArray)::uuid[])
            ORDER BY created_at, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var submissions: [SubmissionRecord] = []
        for try await row in rows { submissions.append(try record(row)) }
        return submissions
    }

    /// Whether any of `accounts` is a member of a submission in the track.
    static func anyMember(_ tx: Tx, trackID: UUID, accounts: [UUID]) async throws -> Bool {
        let rows = try await tx.query(
            """
            SELECT EXISTS (SELECT 1 FROM competition_submissions WHERE track_id = \(trackID) AND member_ids && \(accounts)::uuid[])
            """)
        for try await found in rows.decode(Bool.self) { return found }
        return false
    }

    private static func record(_ row: PostgresRow) throws -> SubmissionRecord {
        let r = row.makeRandomAccess()
        return SubmissionRecord(
            id: try r["id"].decode(UUID.self),
            competitionID: try r["competition_id"].decode(UUID.self),
            trackID: try r["track_id"].decode(UUID.self),
            submitterID: try r["submitter_id"].decode(UUID.self),
            members: try r["member_ids"].decode([UUID].self),
            projectTitle: try r["project_title"].decode(String.self),
            description: try r["description"].decode(String.self),
            links: try r["links"].decode([String].self),
            evidenceHash: try r["evidence_hash"].decode(String.self),
            createdAt: try r["created_at"].decode(Date.self))
    }
}
