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
    enum RowLock: String {
        case none = "", share = " FOR SHARE", update = " FOR UPDATE"
    }

    private static let columns = """
        id, organizer_id, event_id, title_zh, title_en, description_zh, description_en, anonymised, phase, created_at
        """

    static func insert(
        _ connection: PostgresConnection, id: UUID, organizer: Principal, draft: CompetitionDraft, logger: Logger
    ) async throws {
        try await connection.query("""
            INSERT INTO competitions (id, organizer_id, organizer_role, event_id, title_zh, title_en, description_zh,
              description_en, anonymised)
            VALUES (\(id), \(organizer.accountID), \(organizer.role.rawValue), \(draft.eventID), \(draft.title.zh),
              \(draft.title.en), \(draft.description.zh), \(draft.description.en), \(draft.anonymised))
            """, logger: logger)
        for (position, criterion) in draft.rubric.enumerated() {
            try await connection.query("""
                INSERT INTO competition_criteria (competition_id, position, name, weight, max_score)
                VALUES (\(id), \(position), \(criterion.name), \(criterion.weight), \(criterion.maxScore))
                """, logger: logger)
        }
        for (position, name) in draft.tracks.enumerated() {
            try await connection.query("""
                INSERT INTO competition_tracks (id, competition_id, position, name)
                VALUES (\(UUID()), \(id), \(position), \(name))
                """, logger: logger)
        }
    }

    static func find(
        _ connection: PostgresConnection, id: UUID, lock: RowLock = .none, logger: Logger
    ) async throws -> CompetitionRecord? {
        var binds = PostgresBindings()
        binds.append(id)
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT \(columns) FROM competitions WHERE id = $1\(lock.rawValue)", binds: binds),
            logger: logger)
        var found: CompetitionRecord?
        for try await row in rows { found = try record(row) }
        guard var competition = found else { return nil }
        try await complete(connection, &competition, logger: logger)
        return competition
    }

    /// Newest first; `phase` nil lists every phase.
    static func list(
        _ connection: PostgresConnection, phase: Int16?, page: Page, logger: Logger
    ) async throws -> [CompetitionRecord] {
        let rows = try await connection.query("""
            SELECT \(unescaped: columns) FROM competitions
            WHERE (\(phase)::smallint IS NULL OR phase = \(phase))
            ORDER BY created_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """, logger: logger)
        var competitions: [CompetitionRecord] = []
        for try await row in rows { competitions.append(try record(row)) }
        for index in competitions.indices {
            try await complete(connection, &competitions[index], logger: logger)
        }
        return competitions
    }

    /// Call under the competition's update lock.
    static func setPhase(_ connection: PostgresConnection, id: UUID, phase: CompetitionRules.Phase, logger: Logger) async throws {
        try await connection.query("""
            UPDATE competitions SET phase = \(phase.rawValue), updated_at = now() WHERE id = \(id)
            """, logger: logger)
    }

    /// The track's row lock orders judge assignments against submissions of
    /// the same track, so a judge never joins a team they judge or the reverse.
    static func lockTrack(_ connection: PostgresConnection, id: UUID, logger: Logger) async throws {
        try await connection.query("SELECT 1 FROM competition_tracks WHERE id = \(id) FOR UPDATE", logger: logger)
    }

    /// ALREADY_EXISTS when the judge already judges the track.
    static func addJudge(_ connection: PostgresConnection, trackID: UUID, judge: UUID, logger: Logger) async throws {
        do {
            try await connection.query(
                "INSERT INTO competition_judges (track_id, judge_id) VALUES (\(trackID), \(judge))", logger: logger)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw CompetitionErrors.exists("该评委已分配到此赛道", "This judge is already assigned to the track")
        }
    }

    private static func complete(_ connection: PostgresConnection, _ competition: inout CompetitionRecord, logger: Logger) async throws {
        for try await (name, weight, maxScore) in try await connection.query("""
            SELECT name, weight, max_score FROM competition_criteria WHERE competition_id = \(competition.id) ORDER BY position
            """, logger: logger).decode((String, Int, Int).self) {
            competition.rubric.append(.init(name: name, weight: weight, maxScore: maxScore))
        }
        for try await (id, name, judges) in try await connection.query("""
            SELECT t.id, t.name,
              coalesce(array_agg(j.judge_id ORDER BY j.assigned_at, j.judge_id) FILTER (WHERE j.judge_id IS NOT NULL), '{}')
            FROM competition_tracks t LEFT JOIN competition_judges j ON j.track_id = t.id
            WHERE t.competition_id = \(competition.id)
            GROUP BY t.id, t.name, t.position ORDER BY t.position
            """, logger: logger).decode((UUID, String, [UUID]).self) {
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
