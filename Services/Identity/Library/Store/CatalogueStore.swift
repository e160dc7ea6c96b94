import Foundation
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The catalogue of public services, read-only at run time: its rows come
/// from migrations. Entries go out as they are stored, in both languages.
enum CatalogueStore {
    private static let columns = """
        code, name_zh, name_en, description_zh, description_en, department, audience,
        eligibility::text AS eligibility, evidence::text AS evidence, cost_currency, cost_minor, channels, processing_days
        """

    static func find(_ tx: Tx, code: String) async throws -> Nomad_Identity_V1_CatalogueEntry? {
        try await tx.query("SELECT \(unescaped: columns) FROM catalogue_entries WHERE code = \(code)")
            .collect().first.map(decode)
    }

    /// Up to `page.fetchLimit` entries, by code; one department's when given.
    static func list(
        _ tx: Tx, department: String?, page: Page
    ) async throws -> [Nomad_Identity_V1_CatalogueEntry] {
        try await tx.query(
            """
            SELECT \(unescaped: columns) FROM catalogue_entries
            WHERE (\(department)::text IS NULL OR department = \(department))
            ORDER BY code LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """
        ).collect().map(decode)
    }

    /// Criteria and evidence are stored as `[{"zh": ..., "en": ...}]`.
    private struct Text: Decodable {
        let zh: String
        let en: String

        var message: Nomad_Common_V1_LocalizedText {
            .with {
                $0.zhCn = zh
                $0.en = en
            }
        }
    }

    private static func decode(_ row: PostgresRow) throws -> Nomad_Identity_V1_CatalogueEntry {
        let r = row.makeRandomAccess()
        let decoder = JSONDecoder()
        let eligibility = try decoder.decode([Text].self, from: Data(try r["eligibility"].decode(String.self).utf8))
        let evidence = try decoder.decode([Text].self, from: Data(try r["evidence"].decode(String.self).utf8))
        var entry = Nomad_Identity_V1_CatalogueEntry()
        entry.code = try r["code"].decode(String.self)
        entry.name = Text(zh: try r["name_zh"].decode(String.self), en: try r["name_en"].decode(String.self)).message
        entry.description_p =
            Text(
                zh: try r["description_zh"].decode(String.self), en: try r["description_en"].decode(String.self)
            ).message
        entry.department = try r["department"].decode(String.self)
        entry.audience = .init(rawValue: Int(try r["audience"].decode(Int16.self))) ?? .unspecified
        entry.eligibilityCriteria = eligibility.map(\.message)
        entry.requiredEvidence = evidence.map(\.message)
        let currency = try r["cost_currency"].decode(String.self)
        let minor = try r["cost_minor"].decode(Int64.self)
        entry.cost = .with {
            $0.currencyCode = currency
            $0.minorUnits = minor
        }
        entry.channels = try r["channels"].decode([Int16].self).map { .init(rawValue: Int($0)) ?? .unspecified }
        entry.processingDays = try r["processing_days"].decode(Int32.self)
        return entry
    }
}
