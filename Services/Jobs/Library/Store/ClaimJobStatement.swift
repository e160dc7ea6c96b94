import Foundation
import NomadKit
import PostgresNIO

/// ClaimJob's one round trip: a prepared call of `claim_job` (migration 6),
/// answering its JSON result or refusal.
struct ClaimJobStatement: OneStatementCall {
    static let sql = OneStatementMutation.sql("claim_job($1, $2, $3, $4, $5, $6, $7, $8, $9::date)", traceparentAt: 10)

    /// What `claim_job` stores and answers: the facts the order message is
    /// built from, the same on the first call and on a retry.
    struct Result: Decodable {
        var orderId: UUID
        var enterpriseId: UUID
        var contractKind: Int16
        var contractStart: String
        var signedAtMicros: Int64
    }

    let key: IdempotencyKey
    let jobID: UUID
    let nomadID: UUID
    let signedAt: Date

    func appendArguments(to bindings: inout PostgresBindings) throws {
        bindings.append(jobID)
        bindings.append(nomadID)
        bindings.append(UUID())
        bindings.append(UUID())
        bindings.append(signedAt)
        bindings.append(ZoneDay.today(now: signedAt).iso)
    }
}
