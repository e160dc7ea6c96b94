import Foundation
import Logging
import NomadKit
import PostgresNIO

/// Moves personal numbers into their protected form: plaintext rows written
/// before migration 4 (once, at start-up), and copies sealed with a key that
/// is no longer the newest (after a rotation, in the background). Batches take
/// row locks with SKIP LOCKED, so replicas starting together share the work.
enum LegacyNumberStore {
    static let batch = 200

    /// Seals every plaintext document and card number. Runs before the service
    /// serves: until it is done, a lookup or a duplicate check by hash would miss them.
    static func sealAll(_ database: Database, protection: DataProtection, logger: Logger) async throws {
        var total = 0
        while true {
            let sealed = try await database.transaction { try await sealDocuments($0, protection) }
            total += sealed
            if sealed < batch { break }
        }
        while true {
            let sealed = try await database.transaction { try await sealCards($0, protection) }
            total += sealed
            if sealed < batch { break }
        }
        if total > 0 { logger.notice("sealed plaintext personal numbers", metadata: ["rows": "\(total)"]) }
    }

    /// Re-seals copies made with an older key, so the old key can be retired
    /// (README: key rotation). The hash is untouched: the hash key does not rotate.
    static func resealStale(_ database: Database, protection: DataProtection, logger: Logger) async throws {
        let header = currentHeader(protection)
        while true {
            let done = try await database.transaction { tx -> Int in
                var rows: [(UUID, Data)] = []
                for try await row in try await tx.query(
                    """
                    SELECT id, document_sealed FROM accounts
                    WHERE document_sealed IS NOT NULL AND substring(document_sealed FROM 1 FOR \(Int32(header.count))) <> \(header)
                    LIMIT \(batch) FOR UPDATE SKIP LOCKED
                    """
                ).decode((UUID, Data).self) { rows.append(row) }
                for (id, sealed) in rows {
                    let number = try protection.open(sealed, purpose: PersonalNumbers.documentPurpose)
                    let resealed = try protection.seal(number, purpose: PersonalNumbers.documentPurpose)
                    try await tx.query("UPDATE accounts SET document_sealed = \(resealed) WHERE id = \(id)")
                }
                var cards: [(UUID, Data)] = []
                for try await row in try await tx.query(
                    """
                    SELECT holder_id, number_sealed FROM cards
                    WHERE number_sealed IS NOT NULL AND substring(number_sealed FROM 1 FOR \(Int32(header.count))) <> \(header)
                    LIMIT \(batch) FOR UPDATE SKIP LOCKED
                    """
                ).decode((UUID, Data).self) { cards.append(row) }
                for (holder, sealed) in cards {
                    let number = try protection.open(sealed, purpose: PersonalNumbers.cardPurpose)
                    let resealed = try protection.seal(number, purpose: PersonalNumbers.cardPurpose)
                    try await tx.query("UPDATE cards SET number_sealed = \(resealed) WHERE holder_id = \(holder)")
                }
                return rows.count + cards.count
            }
            if done == 0 { break }
        }
    }

    /// The first bytes of anything the newest key seals: version, id length, id.
    static func currentHeader(_ protection: DataProtection) -> Data {
        var header = Data([1, UInt8(protection.currentKeyID.utf8.count)])
        header.append(contentsOf: protection.currentKeyID.utf8)
        return header
    }

    private static func sealDocuments(_ tx: Tx, _ protection: DataProtection) async throws -> Int {
        var rows: [(UUID, Int16?, String)] = []
        for try await row in try await tx.query(
            """
            SELECT id, document_type, document_number FROM accounts WHERE document_number IS NOT NULL
            LIMIT \(batch) FOR UPDATE SKIP LOCKED
            """
        ).decode((UUID, Int16?, String).self) { rows.append(row) }
        for (id, type, number) in rows {
            try await tx.query(
                """
                UPDATE accounts SET
                  document_hash = \(try PersonalNumbers.documentHash(number, type: type, protection)),
                  document_sealed = \(try protection.seal(number, purpose: PersonalNumbers.documentPurpose)),
                  document_masked = \(Masking.documentNumber(number)),
                  document_number = NULL
                WHERE id = \(id)
                """)
        }
        return rows.count
    }

    private static func sealCards(_ tx: Tx, _ protection: DataProtection) async throws -> Int {
        var rows: [(UUID, String)] = []
        for try await row in try await tx.query(
            """
            SELECT holder_id, number FROM cards WHERE number IS NOT NULL LIMIT \(batch) FOR UPDATE SKIP LOCKED
            """
        ).decode((UUID, String).self) { rows.append(row) }
        for (holder, number) in rows {
            try await tx.query(
                """
                UPDATE cards SET
                  number_hash = \(PersonalNumbers.cardHash(number, protection)),
                  number_sealed = \(try protection.seal(number, purpose: PersonalNumbers.cardPurpose)),
                  number = NULL
                WHERE holder_id = \(holder)
                """)
        }
        return rows.count
    }
}
