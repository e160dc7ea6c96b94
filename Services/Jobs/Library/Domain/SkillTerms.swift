import Foundation
import GRPCCore
import NomadKit

/// How free skill terms and codes are read. A term is keyed by its normalised
/// form so that "Swift", " swift " and "SWIFT" meet, and "swift-lang",
/// "swift_lang" and "swift lang" meet too; Chinese text passes unchanged
/// apart from the separators, so "iOS 开发" and "ios开发" are one key.
enum SkillTerms {
    static let maxCodeLength = 100
    static let maxDepth = 6
    static let maxAliasLength = 60
    static let maxAliasesPerRequest = 30
    static let maxResolveTerms = 50

    /// Case-folded (full-width letters folded too), with whitespace, hyphens,
    /// underscores and their Unicode cousins removed.
    static func key(_ term: String) -> String {
        let folded = term.folding(options: [.caseInsensitive, .widthInsensitive], locale: nil).lowercased()
        return String(folded.unicodeScalars.filter { !isSeparator($0) }.map(Character.init))
    }

    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace { return true }
        switch scalar.properties.generalCategory {
        case .dashPunctuation, .connectorPunctuation: return true
        default: return false
        }
    }

    /// A lower-case dotted code ("software.mobile.ios"); each segment starts
    /// with a letter or digit and holds only those, '-' and '_'.
    static func code(_ value: String, _ field: String) throws -> String {
        let code = try Validate.text(value, field, max: maxCodeLength)
        let segments = code.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            segments.count <= maxDepth
            && segments.allSatisfy { segment in
                guard let first = segment.unicodeScalars.first, isLowerAlnum(first) else { return false }
                return segment.unicodeScalars.allSatisfy { isLowerAlnum($0) || $0 == "-" || $0 == "_" }
            }
        guard valid else {
            throw NomadError.invalid(
                field, zh: "应为小写点分编码（如 software.mobile.ios），最多 \(maxDepth) 级",
                en: "expected a lower-case dotted code such as software.mobile.ios, at most \(maxDepth) levels")
        }
        return code
    }

    private static func isLowerAlnum(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// The parent's code, nil for a root.
    static func parent(of code: String) -> String? {
        guard let dot = code.lastIndex(of: ".") else { return nil }
        return String(code[..<dot])
    }

    /// Codes from the root down to `code`, inclusive.
    static func path(of code: String) -> [String] {
        let segments = code.split(separator: ".")
        return segments.indices.map { segments[...$0].joined(separator: ".") }
    }

    /// Trimmed aliases, each with a non-empty key; repeats (by key) dropped.
    static func aliases(_ values: [String], _ field: String) throws -> [(alias: String, key: String)] {
        guard values.count <= maxAliasesPerRequest else {
            throw NomadError.invalid(field, zh: "最多 \(maxAliasesPerRequest) 项", en: "at most \(maxAliasesPerRequest) items")
        }
        var seen = Set<String>()
        var result: [(alias: String, key: String)] = []
        for value in values {
            let alias = try Validate.text(value, field, max: maxAliasLength)
            let key = key(alias)
            guard !key.isEmpty else {
                throw NomadError.invalid(field, zh: "别名不能只含分隔符", en: "an alias must hold more than separators")
            }
            if seen.insert(key).inserted { result.append((alias, key)) }
        }
        return result
    }

    /// A term as a caller wrote it, resolved later by code or by alias key.
    static func term(_ value: String, _ field: String) throws -> String {
        let term = try Validate.text(value, field, max: maxCodeLength)
        return term
    }

    static func aliasTaken(_ alias: String) -> NomadError {
        NomadError(.alreadyExists, zh: "别名或名称已被其他技能使用：\(alias)", en: "The alias or name is already used by another skill: \(alias)")
    }
}
