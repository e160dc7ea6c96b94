import Foundation
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Community demonstration sites. The visits their desks record by card are
/// written by `record_site_visit` (migration 7), in VerifyCard's one
/// statement; visits by username (RecordSiteVisit) by `recordVisit`.
enum SiteStore {
    static func insert(_ tx: Tx, _ site: Nomad_Identity_V1_Site, id: UUID) async throws {
        try await tx.query(
            """
            INSERT INTO sites (id, name_zh, name_en, area, address, capacity, amenities, international)
            VALUES (\(id), \(site.name.zhCn), \(site.name.en), \(Int16(site.area.rawValue)), \(site.address),
              \(Int32(site.capacity)), \(site.amenities), \(site.international))
            """)
    }

    static func find(_ tx: Tx, id: UUID) async throws -> Nomad_Identity_V1_Site? {
        try await tx.query("\(unescaped: select) WHERE id = \(id)")
            .collect().first.map(decode)
    }

    static func list(_ tx: Tx, area: Nomad_Identity_V1_Area?, page: Page) async throws -> [Nomad_Identity_V1_Site] {
        let area = area.map { Int16($0.rawValue) }
        return try await tx.query(
            """
            \(unescaped: select) WHERE (\(area)::smallint IS NULL OR area = \(area))
            ORDER BY created_at, id LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """
        ).collect().map(decode)
    }

    static func area(_ tx: Tx, id: UUID) async throws -> Nomad_Identity_V1_Area? {
        try await tx.query("SELECT area FROM sites WHERE id = \(id)")
            .collect().first.map { Nomad_Identity_V1_Area(rawValue: Int(try $0.decode(Int16.self))) ?? .unspecified }
    }

    /// The holder's visit to the site on today's zone day: the day
    /// (YYYY-MM-DD) when this call recorded it, nil when it was already.
    static func recordVisit(_ tx: Tx, site: UUID, holder: UUID) async throws -> String? {
        try await tx.query(
            """
            INSERT INTO site_visits (site_id, holder_id, day)
            VALUES (\(site), \(holder), (now() AT TIME ZONE 'Asia/Shanghai')::date)
            ON CONFLICT DO NOTHING RETURNING to_char(day, 'YYYY-MM-DD')
            """
        ).collect().first.map { try $0.decode(String.self) }
    }

    private static let select = "SELECT id, name_zh, name_en, area, address, capacity, amenities, created_at, international FROM sites"

    private static func decode(_ row: PostgresRow) throws -> Nomad_Identity_V1_Site {
        let (id, zh, en, area, address, capacity, amenities, created, international) =
            try row.decode((UUID, String, String, Int16, String, Int32, [String], Date, Bool).self)
        return .with {
            $0.id = id.uuidString.lowercased()
            $0.name = .with {
                $0.zhCn = zh; $0.en = en
            }
            $0.area = .init(rawValue: Int(area)) ?? .unspecified
            $0.address = address
            $0.capacity = capacity
            $0.amenities = amenities
            $0.createdAt = .init(date: created)
            $0.international = international
        }
    }
}
