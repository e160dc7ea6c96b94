import Foundation
import Logging
import NomadKit
import PostgresNIO

struct TicketRecord: Sendable {
    var id: UUID
    var registrationID: UUID
    var eventID: UUID
    var attendeeID: UUID
    var token: String
    var expiresAt: Date
}

/// Issued tickets. A ticket is issued once per registration when it is
/// confirmed (at registration or on promotion) and stays valid only while
/// its registration does; the signature alone proves it was issued.
enum TicketStore {
    static func issue(
        _ tx: Tx, signer: TicketSigner, event: EventRecord, registrationID: UUID,
        attendeeID: UUID, cardHash: Data?, now: Date = Date()
    ) async throws {
        let ticket = try signer.ticket(
            id: UUID(), eventID: event.id, registrationID: registrationID, attendeeID: attendeeID, cardHash: cardHash,
            eventEnd: event.endsAt, now: now)
        try await tx.query(
            """
            INSERT INTO tickets (id, registration_id, event_id, attendee_id, token, expires_at)
            VALUES (\(ticket.id), \(registrationID), \(event.id), \(attendeeID), \(ticket.token), \(ticket.expires))
            """)
    }

    /// Re-signs the event's live tickets with the expiry its new end implies,
    /// keeping their ids: a moved event must not strand tickets that expire
    /// before it ends. Call under the event's row lock.
    static func resign(
        _ tx: Tx, signer: TicketSigner, event: EventRecord, now: Date = Date()
    ) async throws {
        let expires = TicketSigner.expiry(eventEnd: event.endsAt)
        var live: [(UUID, UUID, UUID, Data?)] = []
        for try await row in try await tx.query(
            """
            SELECT t.id, t.registration_id, t.attendee_id, r.card_hash FROM tickets t
            JOIN registrations r ON r.id = t.registration_id
            WHERE t.event_id = \(event.id) AND r.status = \(literal: RegistrationStatus.confirmed) AND t.expires_at <> \(expires)
            """
        ).decode((UUID, UUID, UUID, Data?).self) {
            live.append(row)
        }
        for (id, registrationID, attendeeID, card) in live {
            let ticket = try signer.ticket(
                id: id, eventID: event.id, registrationID: registrationID, attendeeID: attendeeID, cardHash: card,
                eventEnd: event.endsAt, now: now)
            try await tx.query(
                "UPDATE tickets SET token = \(ticket.token), expires_at = \(expires) WHERE id = \(id)")
        }
    }

    static func find(_ tx: Tx, registrationID: UUID) async throws -> TicketRecord? {
        let rows = try await tx.query(
            """
            SELECT id, registration_id, event_id, attendee_id, token, expires_at FROM tickets
            WHERE registration_id = \(registrationID)
            """)
        for try await (id, registration, event, attendee, token, expires) in rows.decode(
            (UUID, UUID, UUID, UUID, String, Date).self)
        {
            return TicketRecord(
                id: id, registrationID: registration, eventID: event, attendeeID: attendee, token: token, expiresAt: expires)
        }
        return nil
    }
}
