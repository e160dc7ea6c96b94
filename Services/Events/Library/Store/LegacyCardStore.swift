import Foundation
import Logging
import NomadKit
import PostgresNIO

/// Registrations written before migration 14 held the card number in plain
/// text, and their tickets carried it as a claim. At start-up, before serving,
/// this hashes the number, clears it, and re-signs such a registration's
/// ticket with the hash (same ticket id and expiry, so the copy the attendee
/// already holds keeps working: it is their own number). Batches lock rows
/// with SKIP LOCKED, so replicas starting together share the work.
enum LegacyCardStore {
    static let batch = 200

    static func sealAll(
        _ database: Database, signer: TicketSigner, protection: DataProtection, logger: Logger
    ) async throws {
        var total = 0
        while true {
            let done = try await database.transaction { tx -> Int in
                var rows: [(UUID, String)] = []
                for try await row in try await tx.query(
                    """
                    SELECT id, card_number FROM registrations WHERE card_number IS NOT NULL
                    LIMIT \(batch) FOR UPDATE SKIP LOCKED
                    """
                ).decode((UUID, String).self) { rows.append(row) }
                for (id, number) in rows {
                    let hash = RegistrationRules.cardHash(number, protection)
                    try await tx.query(
                        "UPDATE registrations SET card_hash = \(hash), card_number = NULL WHERE id = \(id)")
                    try await resign(tx, registrationID: id, cardHash: hash, signer: signer)
                }
                return rows.count
            }
            total += done
            if done < batch { break }
        }
        if total > 0 { logger.notice("hashed plaintext card numbers", metadata: ["registrations": "\(total)"]) }
    }

    private static func resign(
        _ tx: Tx, registrationID: UUID, cardHash: Data, signer: TicketSigner
    ) async throws {
        // Read to the end before writing: one connection runs one statement at a time.
        var tickets: [(UUID, UUID, UUID, Date)] = []
        for try await row in try await tx.query(
            """
            SELECT id, event_id, attendee_id, expires_at FROM tickets WHERE registration_id = \(registrationID)
            """
        ).decode((UUID, UUID, UUID, Date).self) { tickets.append(row) }
        for (id, eventID, attendeeID, expires) in tickets {
            let token = try signer.sign(
                TicketClaims(
                    tid: id.text, evt: eventID.text, reg: registrationID.text, sub: attendeeID.text,
                    cdh: Base64URL.encode(cardHash), iat: Int64(Date().timeIntervalSince1970),
                    exp: Int64(expires.timeIntervalSince1970)))
            try await tx.query("UPDATE tickets SET token = \(token) WHERE id = \(id)")
        }
    }
}
