import Foundation
import NomadProtos
import SwiftProtobuf

/// Offset pagination behind an opaque token (AIP-158). The token is checked,
/// so a forged or stale one is refused rather than silently restarting.
public struct Page: Sendable {
    public static let defaultSize = 20
    public static let maxSize = 100
    /// Deeper than any listing the zone keeps; a client past it is not paging.
    public static let maxOffset = 10_000_000

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
            // Bounded, so offset + limit cannot overflow whatever a forged token says.
            guard token.utf8.count <= 32, let data = Base64URL.decode(token), let text = String(data: data, encoding: .utf8),
                text.hasPrefix("o:"), let value = Int(text.dropFirst(2)), (0...Self.maxOffset).contains(value)
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

extension Page {
    public init(_ request: Nomad_Common_V1_PageRequest) throws {
        try self.init(size: request.pageSize, token: request.pageToken)
    }

    public func response(fetched: Int) -> Nomad_Common_V1_PageResponse {
        .with { $0.nextPageToken = nextToken(fetched: fetched) }
    }
}

extension ListResponse {
    /// A list response: the first `page.limit` of the items a store fetched
    /// (it fetches `page.fetchLimit`, one more, to learn whether a next page
    /// exists), and that page's token. `return .listing(\.jobs, rows.map(\.message), page)`.
    public static func listing<Item>(_ items: WritableKeyPath<Self, [Item]>, _ fetched: [Item], _ page: Page) -> Self {
        var response = Self()
        response[keyPath: items] = Array(fetched.prefix(page.limit))
        response.page = page.response(fetched: fetched.count)
        return response
    }
}
