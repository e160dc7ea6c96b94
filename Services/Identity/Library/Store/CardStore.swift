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
