import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

/// Community demonstration sites. The visits their desks record are written
/// by `record_site_visit` (migration 7), in VerifyCard's one statement.
enum SiteStore {
    static func insert(_ connection: PostgresConnection, _ site: Nomad_Identity_V1_Site, id: UUID, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO sites (id, name_zh, name_en, area, address, capacity, amenities)
            VALUES (\(id), \(site.name.zhCn), \(site.name.en), \(Int16(site.area.rawValue)), \(site.address),
              \(Int32(site.capacity)), \(site.amenities))
            """, logger: logger)
    }

    static func find(_ connection: PostgresConnection, id: UUID, logger: Logger) async throws -> Nomad_Identity_V1_Site? {
        try await connection.query(PostgresQuery(unsafeSQL: select + " WHERE id = $1", binds: binds(id)), logger: logger)
            .collect().first.map(decode)
    }

    static func list(_ connection: PostgresConnection, area: Nomad_Identity_V1_Area?, page: Page, logger: Logger) async throws -> [Nomad_Identity_V1_Site] {
        try await connection.query(PostgresQuery(unsafeSQL: select + """
             WHERE ($1::smallint IS NULL OR area = $1) ORDER BY created_at, id LIMIT $2 OFFSET $3
            """, binds: binds(area.map { Int16($0.rawValue) }, page.fetchLimit, page.offset)), logger: logger)
            .collect().map(decode)
    }

    private static let select = "SELECT id, name_zh, name_en, area, address, capacity, amenities, created_at FROM sites"

    private static func decode(_ row: PostgresRow) throws -> Nomad_Identity_V1_Site {
        let (id, zh, en, area, address, capacity, amenities, created) =
            try row.decode((UUID, String, String, Int16, String, Int32, [String], Date).self)
        return .with {
            $0.id = id.uuidString.lowercased()
            $0.name = .with { $0.zhCn = zh; $0.en = en }
            $0.area = .init(rawValue: Int(area)) ?? .unspecified
            $0.address = address
            $0.capacity = capacity
            $0.amenities = amenities
            $0.createdAt = .init(date: created)
        }
    }
}
