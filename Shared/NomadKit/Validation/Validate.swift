import Foundation

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

/// Offset pagination behind an opaque token (AIP-158). The token is checked,
/// so a forged or stale one is refused rather than silently restarting.
public struct Page: Sendable {
    public static let defaultSize = 20
    public static let maxSize = 100

    public let limit: Int
    public let offset: Int

    public init(size: Int32, token: String) throws {
        guard size >= 0 else {
            throw NomadError.invalid("page_size", zh: "不能为负数", en: "must not be negative")
        }
        limit = size == 0 ? Self.defaultSize : min(Int(size), Self.maxSize)
        if token.isEmpty {
            offset = 0
        } else {
            guard let data = Base64URL.decode(token), let text = String(data: data, encoding: .utf8),
                  text.hasPrefix("o:"), let value = Int(text.dropFirst(2)), value >= 0
            else { throw NomadError.invalid("page_token", zh: "无效的分页令牌", en: "not a token this service issued") }
            offset = value
        }
    }

    /// Fetch `limit + 1` rows; pass how many came back to learn the next token.
    public var fetchLimit: Int { limit + 1 }

    public func nextToken(fetched: Int) -> String {
        fetched > limit ? Base64URL.encode(Data("o:\(offset + limit)".utf8)) : ""
    }
}

import NomadProtos

extension Page {
    public init(_ request: Nomad_Common_V1_PageRequest) throws {
        try self.init(size: request.pageSize, token: request.pageToken)
    }

    public func response(fetched: Int) -> Nomad_Common_V1_PageResponse {
        .with { $0.nextPageToken = nextToken(fetched: fetched) }
    }
}
