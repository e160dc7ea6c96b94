import Foundation
import NomadKit
import PostgresNIO

/// RegisterForEvent's one round trip: a prepared call of
/// `register_for_event` (migration 15), answering its JSON result or refusal.
/// The ticket comes signed: `signedEnd` is the event end it was signed for,
/// nil when none is known yet (the function then answers the end, unless the
/// call needs no ticket).
struct RegisterForEventStatement: OneStatementCall {
    static let sql = OneStatementMutation.sql(
        "register_for_event($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)", traceparentAt: 17)

    /// What `register_for_event` stores and answers, the same on a retry.
    struct Result: Decodable, Sendable {
        var registrationId: UUID
        var status: Int16
        var waitlistPosition: Int
        var createdAtMicros: Int64
        var updatedAtMicros: Int64
    }

    /// The refusal that asks for the ticket to be signed again, for the
    /// event's end as the function found it under the event's row lock.
    struct TicketSignedForAnotherEnd: Error {
        var eventEndMicros: Int64

        init?(_ refusal: OneStatementMutation.Refusal) {
            guard refusal.code == "ticket_expiry", let end = refusal.facts["event_end_micros"].flatMap(Int64.init) else {
                return nil
            }
            eventEndMicros = end
        }
    }

    let key: IdempotencyKey
    let eventID: UUID
    let attendee: Principal
    let now: Date
    let cardHash: Data?
    let registrationID: UUID
    let ticket: SignedTicket?

    func appendArguments(to bindings: inout PostgresBindings) throws {
        bindings.append(eventID)
        bindings.append(attendee.accountID)
        bindings.append(attendee.role.rawValue)
        bindings.append(attendee.isAdmin || attendee.role == .officer)
        bindings.append(now)
        try bindings.append(cardHash)
        bindings.append(registrationID)
        bindings.append(ticket?.id)
        bindings.append(ticket?.eventEndMicros)
        bindings.append(ticket?.expires)
        bindings.append(ticket?.token)
        bindings.append(UUID())
        bindings.append(EventRules.kindNames)
    }
}
