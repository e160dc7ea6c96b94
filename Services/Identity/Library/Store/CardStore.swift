import Foundation
import NomadKit
import NomadProtos
import PostgresNIO

struct CardRecord: Sendable {
    var number: String
    var holderID: UUID
    var holderDisplayName: String
    /// ACTIVE or SUSPENDED as stored; EXPIRED is derived from expiresAt.
    var storedStatus: Nomad_Identity_V1_CardStatus
    var issuedAt: Date
    var expiresAt: Date

    func status(at now: Date = Date()) -> Nomad_Identity_V1_CardStatus {
        now >= expiresAt ? .expired : storedStatus
    }
}

enum CardStore {
    private static let select = """
        SELECT c.number, c.holder_id, a.display_name, c.status, c.issued_at, c.expires_at
        FROM cards c JOIN accounts a ON a.id = c.holder_id
        """

    /// Issues the holder's card, or returns the one they have: a nomad holds
    /// one card for life of the programme.
    static func issue(_ connection: PostgresConnection, holder: UUID, validity: TimeInterval, logger: Logger) async throws -> CardRecord {
        if let existing = try await find(connection, holder: holder, logger: logger) { return existing }
        let serial = try await connection.query("SELECT nextval('card_serial')", logger: logger)
            .collect().first!.decode(Int64.self)
        let number = CardNumber.make(serial: serial)
        try await connection.query("""
            INSERT INTO cards (number, holder_id, status, expires_at)
            VALUES (\(number), \(holder), \(Int16(Nomad_Identity_V1_CardStatus.active.rawValue)), now() + make_interval(secs => \(validity)))
            """, logger: logger)
        return try await find(connection, holder: holder, logger: logger)!
    }

    static func find(_ connection: PostgresConnection, holder: UUID, logger: Logger) async throws -> CardRecord? {
        try await connection.query(PostgresQuery(unsafeSQL: select + " WHERE c.holder_id = $1", binds: binds(holder)), logger: logger)
            .collect().first.map(decode)
    }

    static func find(_ connection: PostgresConnection, number: String, logger: Logger) async throws -> CardRecord? {
        try await connection.query(PostgresQuery(unsafeSQL: select + " WHERE c.number = $1", binds: binds(number)), logger: logger)
            .collect().first.map(decode)
    }

    static func setStatus(_ connection: PostgresConnection, number: String, status: Nomad_Identity_V1_CardStatus, logger: Logger) async throws {
        try await connection.query("UPDATE cards SET status = \(Int16(status.rawValue)) WHERE number = \(number)", logger: logger)
    }

    private static func decode(_ row: PostgresRow) throws -> CardRecord {
        let (number, holder, name, status, issued, expires) = try row.decode((String, UUID, String, Int16, Date, Date).self)
        return CardRecord(number: number, holderID: holder, holderDisplayName: name,
                          storedStatus: .init(rawValue: Int(status)) ?? .unspecified, issuedAt: issued, expiresAt: expires)
    }
}

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

    /// Records the holder's visit; false when they already visited today
    /// (the zone's calendar day, Asia/Shanghai).
    static func recordVisit(_ connection: PostgresConnection, site: UUID, holder: UUID, logger: Logger) async throws -> (recorded: Bool, day: String) {
        let rows = try await connection.query("""
            INSERT INTO site_visits (site_id, holder_id, day)
            VALUES (\(site), \(holder), (now() AT TIME ZONE 'Asia/Shanghai')::date)
            ON CONFLICT DO NOTHING RETURNING day::text
            """, logger: logger).collect()
        if let row = rows.first { return (true, try row.decode(String.self)) }
        return (false, "")
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
