import Foundation
import NomadKit
import PostgresNIO

struct ScenarioRecord: Sendable {
    var id: UUID
    var enterpriseID: UUID
    var eventID: UUID?
    var titleZh: String
    var titleEn: String
    var descriptionZh: String
    var descriptionEn: String
    var businessProblem: String
    var dataOffered: String
    var currency: String
    var budgetMinor: Int64
    var deadline: Date
    var createdAt: Date
}

/// Open-day scenarios.
enum OpenDayStore {
    private static let columns = """
        id, enterprise_id, event_id, title_zh, title_en, description_zh, description_en, business_problem, \
        data_offered, budget_currency, budget_minor, deadline, created_at
        """

    static func insert(
        _ tx: Tx, id: UUID, enterprise: UUID, draft: ScenarioDraft
    ) async throws {
        try await tx.query(
            """
            INSERT INTO open_day_scenarios (id, enterprise_id, event_id, title_zh, title_en, description_zh,
              description_en, business_problem, data_offered, budget_currency, budget_minor, deadline)
            VALUES (\(id), \(enterprise), \(draft.eventID), \(draft.title.zh), \(draft.title.en), \(draft.description.zh),
              \(draft.description.en), \(draft.businessProblem), \(draft.dataOffered), \(draft.currency),
              \(draft.budgetMinor), \(draft.deadline))
            """)
    }

    static func find(_ tx: Tx, id: UUID) async throws -> ScenarioRecord? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM open_day_scenarios WHERE id = \(id)")
        for try await row in rows { return try record(row) }
        return nil
    }

    /// Newest first; `enterprise` nil lists every publisher's.
    static func list(_ tx: Tx, enterprise: UUID?, page: Page) async throws -> [ScenarioRecord] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM open_day_scenarios
            WHERE (\(enterprise)::uuid IS NULL OR enterprise_id = \(enterprise))
            ORDER BY created_at DESC, id DESC LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var scenarios: [ScenarioRecord] = []
        for try await row in rows { scenarios.append(try record(row)) }
        return scenarios
    }

    private static func record(_ row: PostgresRow) throws -> ScenarioRecord {
        let r = row.makeRandomAccess()
        return ScenarioRecord(
            id: try r["id"].decode(UUID.self),
            enterpriseID: try r["enterprise_id"].decode(UUID.self),
            eventID: try r["event_id"].decode(UUID?.self),
            titleZh: try r["title_zh"].decode(String.self),
            titleEn: try r["title_en"].decode(String.self),
            descriptionZh: try r["description_zh"].decode(String.self),
            descriptionEn: try r["description_en"].decode(String.self),
            businessProblem: try r["business_problem"].decode(String.self),
            dataOffered: try r["data_offered"].decode(String.self),
            currency: try r["budget_currency"].decode(String.self),
            budgetMinor: try r["budget_minor"].decode(Int64.self),
            deadline: try r["deadline"].decode(Date.self),
            createdAt: try r["created_at"].decode(Date.self))
    }
}
