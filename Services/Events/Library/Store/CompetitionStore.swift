import Foundation
import NomadKit
import PostgresNIO

struct CompetitionRecord: Sendable {
    struct Track: Sendable {
        var id: UUID
        var name: String
        var judges: [UUID]
    }

    var id: UUID
    var organizerID: UUID
    var eventID: UUID?
    var titleZh: String
    var titleEn: String
    var descriptionZh: String
    var descriptionEn: String
    var anonymised: Bool
    var phase: CompetitionRules.Phase
    var createdAt: Date
    var rubric: [CompetitionDraft.Criterion] = []
    var tracks: [Track] = []

    func track(_ id: UUID) -> Track? { tracks.first { $0.id == id } }

    /// The tracks `account` judges.
    func judgedTracks(_ account: UUID) -> [UUID] {
        tracks.filter { $0.judges.contains(account) }.map(\.id)
    }
}

/// Competitions with their rubric, tracks and judges. The competition row is
/// the lock of its phase: a phase change takes it FOR UPDATE, and every step
/// the phase allows (a submission, a score, an award) takes it FOR SHARE, so
/// no such step commits in a phase that has already ended.
enum CompetitionStore {
    private static let columns = """
        id, organizer_id, event_id, title_zh, title_en, description_zh, description_en, anonymised, phase, created_at
        """

    static func insert(
        _ tx: Tx, id: UUID, organizer: Principal, draft: CompetitionDraft
    ) async throws {
        try await tx.query(
            """
            INSERT INTO competitions (id, organizer_id, organizer_role, event_id, title_zh, title_en, description_zh,
              description_en, anonymised)
            VALUES (\(id), \(organizer.accountID), \(organizer.role.rawValue), \(draft.eventID), \(draft.title.zh),
              \(draft.title.en), \(draft.description.zh), \(draft.description.en), \(draft.anonymised))
            """)
        for (position, criterion) in draft.rubric.enumerated() {
            try await tx.query(
                """
                INSERT INTO competition_criteria (competition_id, position, name, weight, max_score)
                VALUES (\(id), \(position), \(criterion.name), \(criterion.weight), \(criterion.maxScore))
                """)
        }
        for (position, name) in draft.tracks.enumerated() {
            try await tx.query(
                """
                INSERT INTO competition_tracks (id, competition_id, position, name)
                VALUES (\(UUID()), \(id), \(position), \(name))
                """)
        }
    }

    static func find(
        _ tx: Tx, id: UUID, lock: RowLock = .none
    ) async throws -> CompetitionRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM competitions WHERE id = \(id)\(unescaped: lock.sql)")
        var found: CompetitionRecord?
        for try await row in rows { found = try record(row) }
        guard var competition = found else { return nil }
        try await complete(tx, &competition)
        return competition
    }

    /// Newest first; `phase` nil lists every phase.
    static func list(
        _ tx: Tx, phase: Int16?, page: Page
    ) async throws -> [CompetitionRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM competitions
            WHERE (\(phase)::smallint IS NULL OR phase = \(phase))
            ORDER BY created_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var competitions: [CompetitionRecord] = []
        for try await row in rows { competitions.append(try record(row)) }
        for index in competitions.indices {
            try await complete(tx, &competitions[index])
        }
        return competitions
    }

    /// Call under the competition's update lock.
    static func setPhase(_ tx: Tx, id: UUID, phase: CompetitionRules.Phase) async throws {
        try await tx.query(
            """
            UPDATE competitions SET phase = \(phase.rawValue), updated_at = now() WHERE id = \(id)
            """)
    }

    /// The track's row lock orders judge assignments against submissions of
    /// the same track, so a judge never joins a team they judge or the reverse.
    static func lockTrack(_ tx: Tx, id: UUID) async throws {
        try await tx.query("SELECT 1 FROM competition_tracks WHERE id = \(id) FOR UPDATE")
    }

    /// ALREADY_EXISTS when the judge already judges the track.
    static func addJudge(_ tx: Tx, trackID: UUID, judge: UUID) async throws {
        do {
            try await tx.query(
                "INSERT INTO competition_judges (track_id, judge_id) VALUES (\(trackID), \(judge))")
        } catch let error as PSQLError where error.isUniqueViolation {
            throw CompetitionErrors.exists("该评委已分配到此赛道", "This judge is already assigned to the track")
        }
    }

    private static func complete(_ tx: Tx, _ competition: inout CompetitionRecord) async throws {
        for try await (name, weight, maxScore) in try await tx.query(
            """
            SELECT name, weight, max_score FROM competition_criteria WHERE competition_id = \(competition.id) ORDER BY position
            """
        ).decode((String, Int, Int).self) {
            competition.rubric.append(.init(name: name, weight: weight, maxScore: maxScore))
        }
        for try await (id, name, judges) in try await tx.query(
            """
            SELECT t.id, t.name,
              coalesce(array_agg(j.judge_id ORDER BY j.assigned_at, j.judge_id) FILTER (WHERE j.judge_id IS NOT NULL), '{}')
            FROM competition_tracks t LEFT JOIN competition_judges j ON j.track_id = t.id
            WHERE t.competition_id = \(competition.id)
            GROUP BY t.id, t.name, t.position ORDER BY t.position
            """
        ).decode((UUID, String, [UUID]).self) {
            competition.tracks.append(.init(id: id, name: name, judges: judges))
        }
    }

    private static func record(_ row: PostgresRow) throws -> CompetitionRecord {
        let r = row.makeRandomAccess()
        return CompetitionRecord(
            id: try r["id"].decode(UUID.self),
            organizerID: try r["organizer_id"].decode(UUID.self),
            eventID: try r["event_id"].decode(UUID?.self),
            titleZh: try r["title_zh"].decode(String.self),
            titleEn: try r["title_en"].decode(String.self),
            descriptionZh: try r["description_zh"].decode(String.self),
            descriptionEn: try r["description_en"].decode(String.self),
            anonymised: try r["anonymised"].decode(Bool.self),
            phase: CompetitionRules.Phase(rawValue: try r["phase"].decode(Int16.self)) ?? .draft,
            createdAt: try r["created_at"].decode(Date.self))
    }
}
