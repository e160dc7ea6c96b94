import Foundation
import NomadKit
import PostgresNIO

struct ScoreRecord: Sendable {
    var submissionID: UUID
    var judgeID: UUID
    var points: [Int]
    var weightedTotalMilli: Int64
    var scoredAt: Date
}

struct RankedRow: Sendable {
    var submissionID: UUID
    var trackID: UUID
    var projectTitle: String
    var members: [UUID]
    var scoreMilli: Int64
    var judgeCount: Int
}

/// Judges' scores and the ranking computed from them in the database, where
/// the weighted totals are exact numerics rather than floats.
enum ScoreStore {
    /// One row per judge per submission: a re-score in review replaces the
    /// earlier one.
    static func upsert(
        _ tx: Tx, submissionID: UUID, judge: UUID, points: [Int], weighted: Int, weights: Int
    ) async throws -> ScoreRecord {
        let rows = try await tx.query(
            """
            INSERT INTO competition_scores (submission_id, judge_id, points, weighted_total)
            VALUES (\(submissionID), \(judge), \(points)::integer[], \(weighted)::numeric / \(weights))
            ON CONFLICT (submission_id, judge_id) DO UPDATE
              SET points = EXCLUDED.points, weighted_total = EXCLUDED.weighted_total, scored_at = now()
            RETURNING points::bigint[], round(weighted_total * 1000)::bigint, scored_at
            """)
        for try await (stored, milli, at) in rows.decode(([Int], Int64, Date).self) {
            return ScoreRecord(submissionID: submissionID, judgeID: judge, points: stored, weightedTotalMilli: milli, scoredAt: at)
        }
        throw NomadError.internalError
    }

    /// Every submission of the competition, per track (in track order), by the
    /// mean of its judges' weighted totals, highest first; unscored ones last;
    /// ties go to the earlier submission.
    static func ranking(_ tx: Tx, competitionID: UUID) async throws -> [RankedRow] {
        let rows = try await tx.query(
            """
            SELECT s.id, s.track_id, s.project_title, s.member_ids,
              coalesce(round(avg(sc.weighted_total) * 1000), 0)::bigint, count(sc.judge_id)::integer
            FROM competition_submissions s
            JOIN competition_tracks t ON t.id = s.track_id
            LEFT JOIN competition_scores sc ON sc.submission_id = s.id
            WHERE s.competition_id = \(competitionID)
            GROUP BY s.id, t.position
            ORDER BY t.position, avg(sc.weighted_total) DESC NULLS LAST, s.created_at, s.id
            """)
        var ranked: [RankedRow] = []
        for try await (id, track, title, members, milli, judges) in rows.decode((UUID, UUID, String, [UUID], Int64, Int).self) {
            ranked.append(
                RankedRow(
                    submissionID: id, trackID: track, projectTitle: title, members: members, scoreMilli: milli, judgeCount: judges))
        }
        return ranked
    }
}
