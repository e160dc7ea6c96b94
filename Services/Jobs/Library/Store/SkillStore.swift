import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

/// A skill of the library with its aliases (names excluded).
struct SkillRecord: Sendable {
    var code: String
    var parentCode: String?
    var nameZh: String
    var nameEn: String
    var aliases: [String]
}

/// The skills library. Names are stored as aliases too, so resolving a term
/// is one lookup of its key; the alias table's primary key is what keeps one
/// key from naming two skills, whichever replica adds it.
enum SkillStore {
    private static let columns = """
        s.code, s.parent_code, s.name_zh, s.name_en,
        COALESCE((SELECT array_agg(a.alias ORDER BY a.alias) FROM skill_aliases a
          WHERE a.skill_code = s.code AND a.alias <> s.name_zh AND a.alias <> s.name_en), '{}') AS aliases
        """

    static func find(_ tx: Tx, code: String) async throws -> SkillRecord? {
        let rows = try await tx.query("SELECT \(unescaped: columns) FROM skills s WHERE s.code = \(code)")
        return try await rows.collect().first.map(record)
    }

    static func exists(_ tx: Tx, code: String) async throws -> Bool {
        try await tx.query("SELECT 1 FROM skills WHERE code = \(code)").collect().count == 1
    }

    /// Children of `parent` (roots when nil), or, with `query`, skills whose
    /// name or alias contains it in either language, within `parent`'s subtree.
    static func list(
        _ tx: Tx, parent: String?, query: String?, descendants: Bool = false, page: Page
    ) async throws -> [SkillRecord] {
        let term = query?.lowercased(), key = query.map(SkillTerms.key)
        let rows = try await tx.query(
            """
            SELECT \(unescaped: columns) FROM skills s
            WHERE CASE WHEN \(term)::text IS NULL AND \(descendants) THEN
                \(parent)::text IS NULL OR starts_with(s.code, \(parent)::text || '.')
              WHEN \(term)::text IS NULL THEN s.parent_code IS NOT DISTINCT FROM \(parent)::text
              ELSE (\(parent)::text IS NULL OR starts_with(s.code, \(parent)::text || '.'))
                AND (strpos(lower(s.name_zh), \(term)) > 0 OR strpos(lower(s.name_en), \(term)) > 0
                  OR EXISTS (SELECT 1 FROM skill_aliases a WHERE a.skill_code = s.code
                    AND (strpos(lower(a.alias), \(term)) > 0 OR (\(key) <> '' AND strpos(a.alias_key, \(key)) > 0))))
              END
            ORDER BY s.code LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        return try await rows.collect().map(record)
    }

    /// Maps each term to a skill code: an exact code first, then a name or
    /// alias by key. Terms that match nothing are absent from the answer.
    static func resolve(_ tx: Tx, terms: [String]) async throws -> [String: String] {
        guard !terms.isEmpty else { return [:] }
        var codes = Set<String>()
        for try await code in try await tx.query(
            "SELECT code FROM skills WHERE code = ANY(\(terms))"
        ).decode(String.self) {
            codes.insert(code)
        }
        let keys = terms.map(SkillTerms.key)
        var byKey: [String: String] = [:]
        for try await (key, code) in try await tx.query(
            "SELECT alias_key, skill_code FROM skill_aliases WHERE alias_key = ANY(\(keys))"
        ).decode((String, String).self) {
            byKey[key] = code
        }
        var result: [String: String] = [:]
        for term in terms {
            if codes.contains(term) {
                result[term] = term
            } else if let code = byKey[SkillTerms.key(term)] {
                result[term] = code
            }
        }
        return result
    }

    /// A new skill; its code taken is ALREADY_EXISTS.
    static func insert(
        _ tx: Tx, code: String, parent: String?, nameZh: String, nameEn: String
    ) async throws {
        let inserted = try await tx.query(
            """
            INSERT INTO skills (code, parent_code, name_zh, name_en) VALUES (\(code), \(parent), \(nameZh), \(nameEn))
            ON CONFLICT (code) DO NOTHING RETURNING 1
            """
        ).collect().count
        guard inserted == 1 else {
            throw NomadError(.alreadyExists, zh: "技能编码已存在：\(code)", en: "A skill with this code exists: \(code)")
        }
    }

    /// Attaches aliases to `code`. A key the skill already has is kept as it
    /// is; a key another skill holds is ALREADY_EXISTS (and the caller's
    /// transaction rolls back, so nothing of the request is kept).
    static func addAliases(
        _ tx: Tx, code: String, aliases: [(alias: String, key: String)]
    ) async throws {
        for (alias, key) in aliases {
            try await tx.query(
                """
                INSERT INTO skill_aliases (alias_key, alias, skill_code) VALUES (\(key), \(alias), \(code))
                ON CONFLICT (alias_key) DO NOTHING
                """)
            let owner = try await tx.query(
                "SELECT skill_code FROM skill_aliases WHERE alias_key = \(key)"
            ).collect().first?.decode(String.self)
            guard owner == code else { throw SkillTerms.aliasTaken(alias) }
        }
    }

    /// Names of the given codes, for summaries.
    static func names(_ tx: Tx, codes: [String]) async throws -> [String: (zh: String, en: String)] {
        var result: [String: (zh: String, en: String)] = [:]
        for try await (code, zh, en) in try await tx.query(
            "SELECT code, name_zh, name_en FROM skills WHERE code = ANY(\(codes))"
        ).decode((String, String, String).self) {
            result[code] = (zh, en)
        }
        return result
    }

    private static func record(_ row: PostgresRow) throws -> SkillRecord {
        let (code, parent, zh, en, aliases) = try row.decode((String, String?, String, String, [String]).self)
        return SkillRecord(code: code, parentCode: parent, nameZh: zh, nameEn: en, aliases: aliases)
    }
}
