import Foundation
import NomadKit
import PostgresNIO

/// The gate's one round trip for CheckIn: a prepared call of `check_in`
/// (migration 15). The credential was verified offline; what it names goes
/// in, nil where its claim is not a well-formed id.
struct CheckInStatement: OneStatementCall {
    static let sql = OneStatementMutation.sql(
        "check_in($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)", traceparentAt: 16)

    /// What `check_in` stores and answers, the same on a retry.
    struct Result: Decodable, Sendable {
        var checkId: UUID
        var registrationId: UUID
        var attendeeId: UUID
        var atMicros: Int64
    }

    let key: IdempotencyKey
    let eventID: UUID
    let sessionID: UUID?
    let gate: Principal
    /// The ticket's event claim as signed, or nil for a card.
    let ticketEvent: String?
    let ticketRegistration: UUID?
    let cardHolder: UUID?
    let cardHash: Data?

    func appendArguments(to bindings: inout PostgresBindings) throws {
        bindings.append(eventID)
        bindings.append(sessionID)
        bindings.append(gate.accountID)
        bindings.append(gate.isAdmin || gate.role == .officer)
        bindings.append(ticketEvent)
        bindings.append(ticketRegistration)
        bindings.append(cardHolder)
        try bindings.append(cardHash)
        bindings.append(UUID())
        bindings.append(UUID())
        bindings.append(EventRules.kindNames)
        bindings.append(EventRules.areaNames)
    }
}
