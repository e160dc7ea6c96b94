import Foundation
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Training scenarios (场景实训) and the completions officers record.
enum ScenarioStore {
    static func skillExists(_ tx: Tx, code: String) async throws -> Bool {
        try await tx.query("SELECT 1 FROM skills WHERE code = \(code)").collect().count == 1
    }

    static func insert(_ tx: Tx, _ scenario: Nomad_Jobs_V1_Scenario, id: UUID) async throws {
        try await tx.query(
            """
            INSERT INTO scenarios (id, skill_code, level, title_zh, title_en, description_zh, description_en, provider, hours)
            VALUES (\(id), \(scenario.skillCode), \(Int16(scenario.level)), \(scenario.title.zhCn), \(scenario.title.en),
              \(scenario.description_p.zhCn), \(scenario.description_p.en), \(scenario.provider), \(Int32(scenario.hours)))
            """)
    }

    static func find(_ tx: Tx, id: UUID) async throws -> Nomad_Jobs_V1_Scenario? {
        try await tx.query("SELECT \(unescaped: columns) FROM scenarios WHERE id = \(id)")
            .collect().first.map(decode)
    }

    /// Scenarios for `skillCode` or any skill beneath it (its code followed by
    /// a dot), by skill, level and id.
    static func list(_ tx: Tx, skillCode: String?, page: Page) async throws -> [Nomad_Jobs_V1_Scenario] {
        try await tx.query(
            """
            SELECT \(unescaped: columns) FROM scenarios
            WHERE \(skillCode)::text IS NULL OR skill_code = \(skillCode) OR starts_with(skill_code, \(skillCode) || '.')
            ORDER BY skill_code, level, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """
        ).collect().map(decode)
    }

    /// Records a completion; nil when this nomad already completed it.
    static func complete(
        _ tx: Tx, scenarioID: UUID, nomadID: UUID, evidenceHash: String, recordedBy: UUID
    ) async throws -> Date? {
        try await tx.query(
            """
            INSERT INTO scenario_completions (scenario_id, nomad_id, evidence_hash, recorded_by)
            VALUES (\(scenarioID), \(nomadID), \(evidenceHash), \(recordedBy))
            ON CONFLICT DO NOTHING RETURNING completed_at
            """
        ).collect().first?.decode(Date.self)
    }

    /// The nomad's completions, for the career chain.
    static func completions(_ tx: Tx, nomadID: UUID) async throws -> [CareerChain.Completion] {
        try await tx.query(
            """
            SELECT c.scenario_id, s.skill_code, c.completed_at FROM scenario_completions c
            JOIN scenarios s ON s.id = c.scenario_id
            WHERE c.nomad_id = \(nomadID) ORDER BY c.completed_at
            """
        ).collect().map { row in
            let (id, skill, at) = try row.decode((UUID, String, Date).self)
            return CareerChain.Completion(scenarioID: id, skillCode: skill, completedAt: at)
        }
    }

    private static let columns =
        "id, skill_code, level, title_zh, title_en, description_zh, description_en, provider, hours"

    private static func decode(_ row: PostgresRow) throws -> Nomad_Jobs_V1_Scenario {
        let (id, skill, level, titleZh, titleEn, descriptionZh, descriptionEn, provider, hours) =
            try row.decode((UUID, String, Int16, String, String, String, String, String, Int32).self)
        return .with {
            $0.scenarioID = id.text
            $0.skillCode = skill
            $0.level = Int32(level)
            $0.title = .with {
                $0.zhCn = titleZh; $0.en = titleEn
            }
            $0.description_p = .with {
                $0.zhCn = descriptionZh; $0.en = descriptionEn
            }
            $0.provider = provider
            $0.hours = hours
        }
    }
}
