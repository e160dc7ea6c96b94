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

/// Cards keep their number as a keyed hash (lookups, uniqueness) and a sealed
/// copy (the holder and the issuing department see it); never in plaintext.
enum CardStore {
    private static let select = """
        SELECT c.number_sealed, c.holder_id, a.display_name, c.status, c.issued_at, c.expires_at
        FROM cards c JOIN accounts a ON a.id = c.holder_id
        """

    /// Issues the holder's card, or returns the one they have: a nomad holds
    /// one card for life of the programme.
    static func issue(
        _ tx: Tx, holder: UUID, validity: TimeInterval, protection: DataProtection
    ) async throws -> CardRecord {
        if let existing = try await find(tx, holder: holder, protection: protection) { return existing }
        let serial = try await tx.query("SELECT nextval('card_serial')")
            .collect().first!.decode(Int64.self)
        let number = CardNumber.make(serial: serial)
        try await tx.query(
            """
            INSERT INTO cards (number_hash, number_sealed, holder_id, status, expires_at)
            VALUES (\(PersonalNumbers.cardHash(number, protection)),
              \(try protection.seal(number, purpose: PersonalNumbers.cardPurpose)), \(holder), \(Int16(Nomad_Identity_V1_CardStatus.active.rawValue)), now() + make_interval(secs => \(validity)))
            """)
        guard let card = try await find(tx, holder: holder, protection: protection) else {
            throw NomadError.internalError
        }
        return card
    }

    static func find(
        _ tx: Tx, holder: UUID, protection: DataProtection
    ) async throws -> CardRecord? {
        try await tx.query("\(unescaped: select) WHERE c.holder_id = \(holder)")
            .collect().first.map { try decode($0, protection) }
    }

    /// By the number's keyed hash: the number itself is not in the table.
    static func find(
        _ tx: Tx, number: String, protection: DataProtection
    ) async throws -> CardRecord? {
        try await tx.query(
            "\(unescaped: select) WHERE c.number_hash = \(PersonalNumbers.cardHash(number, protection))"
        ).collect().first.map { try decode($0, protection) }
    }

    static func setStatus(
        _ tx: Tx, holder: UUID, status: Nomad_Identity_V1_CardStatus
    ) async throws {
        try await tx.query("UPDATE cards SET status = \(Int16(status.rawValue)) WHERE holder_id = \(holder)")
    }

    private static func decode(_ row: PostgresRow, _ protection: DataProtection) throws -> CardRecord {
        let (sealed, holder, name, status, issued, expires) = try row.decode((Data, UUID, String, Int16, Date, Date).self)
        let number = try protection.open(sealed, purpose: PersonalNumbers.cardPurpose)
        return CardRecord(
            number: number, holderID: holder, holderDisplayName: name,
            storedStatus: .init(rawValue: Int(status)) ?? .unspecified, issuedAt: issued, expiresAt: expires)
    }
}
