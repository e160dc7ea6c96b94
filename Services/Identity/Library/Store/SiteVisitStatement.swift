import Foundation
import NomadKit
import PostgresNIO

/// VerifyCard's site visit in one round trip: a prepared call of
/// `record_site_visit` (migration 7), answering its JSON result or refusal.
struct SiteVisitStatement: OneStatementCall {
    static let sql = OneStatementMutation.sql("record_site_visit($1, $2, $3, $4, $5, $6, $7, $8)", traceparentAt: 9)

    /// What `record_site_visit` stores and answers, the same on a retry.
    /// Without a holder the card was not found; `cardRefusal` names a card
    /// that was found and may not pass.
    struct Result: Decodable, Sendable {
        var cardRefusal: String?
        var holderId: UUID?
        var displayName: String?
        var status: Int?
        var issuedAtMicros: Int64?
        var expiresAtMicros: Int64?
        var visitRecorded: Bool?
    }

    let key: IdempotencyKey
    let numberHash: Data
    /// The QR's `sub`, compared as text: a QR need not name a well-formed id.
    let holder: String
    let siteID: UUID
    let now: Date

    func appendArguments(to bindings: inout PostgresBindings) throws {
        try bindings.append(numberHash)
        bindings.append(holder)
        bindings.append(siteID)
        bindings.append(UUID())
        bindings.append(now)
    }
}
