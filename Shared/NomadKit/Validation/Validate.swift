import Foundation
import NomadProtos

/// Input checks shared by every service, each throwing INVALID_ARGUMENT with a
/// message naming the field.
public enum Validate {
    /// Trims surrounding whitespace, requires a value when `required`, and
    /// bounds its length in characters.
    @discardableResult
    public static func text(_ value: String, _ field: String, max: Int, required: Bool = true) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, trimmed.isEmpty { throw NomadError.required(field) }
        if trimmed.count > max { throw NomadError.tooLong(field, max: max) }
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw NomadError.invalid(field, zh: "包含控制字符", en: "contains control characters")
        }
        return trimmed
    }

    public static func uuid(_ value: String, _ field: String) throws -> UUID {
        if value.isEmpty { throw NomadError.required(field) }
        guard let id = UUID(uuidString: value) else {
            throw NomadError.invalid(field, zh: "不是有效的 ID", en: "not a valid id")
        }
        return id
    }

    /// A SHA-256 digest as 64 hex digits, returned in lower case so a unique
    /// index sees "AB…" and "ab…" as one value. Empty is "" when not required.
    public static func sha256Hex(_ value: String, _ field: String, required: Bool = true) throws -> String {
        let hex = value.trimmingCharacters(in: .whitespaces).lowercased()
        if hex.isEmpty {
            if required { throw NomadError.required(field) }
            return ""
        }
        guard hex.count == 64, hex.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
            throw NomadError.invalid(field, zh: "须为 64 位十六进制 SHA-256 摘要", en: "must be a 64-digit hex SHA-256 digest")
        }
        return hex
    }

    /// A three-letter upper-case ISO 4217 code such as CNY.
    public static func currencyCode(_ value: String, _ field: String) throws -> String {
        guard value.count == 3, value.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw NomadError.invalid(
                field, zh: "须为三位大写 ISO 4217 货币代码（如 CNY）", en: "must be a three-letter upper-case ISO 4217 code such as CNY")
        }
        return value
    }

    /// Text in the programme's two languages: zh-CN is the reference and
    /// required, en is optional (empty when not given).
    public static func localized(
        _ text: Nomad_Common_V1_LocalizedText, _ field: String, max: Int
    ) throws -> (zh: String, en: String) {
        (
            try Validate.text(text.zhCn, "\(field).zh_cn", max: max),
            try Validate.text(text.en, "\(field).en", max: max, required: false)
        )
    }

    public static func list(_ values: [String], _ field: String, maxCount: Int, maxLength: Int) throws -> [String] {
        guard values.count <= maxCount else {
            throw NomadError.invalid(field, zh: "最多 \(maxCount) 项", en: "at most \(maxCount) items")
        }
        return try values.map { try text($0, field, max: maxLength) }
    }
}

extension UUID {
    /// Ids go out in lower case, as they are stored.
    public var text: String { uuidString.lowercased() }
}
