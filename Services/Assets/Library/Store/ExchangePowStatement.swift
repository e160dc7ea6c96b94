import Foundation
import NomadKit
import PostgresNIO

/// ExchangePow's one round trip: a prepared call of `exchange_pow`
/// (migration 16), answering its JSON result or refusal.
struct ExchangePowStatement: OneStatementCall {
    static let sql = OneStatementMutation.sql("exchange_pow($1, $2, $3, $4, $5, $6, $7, $8, $9::date)", traceparentAt: 10)

    /// What `exchange_pow` stores and answers, the same on a retry: the posted
    /// transaction's accounts and the rate's outcome.
    struct Result: Decodable, Sendable {
        var transactionId: UUID
        var powAccountId: UUID
        var pointsAccountId: UUID
        var points: Int64
        var rateVersion: Int32
        var pointsExpireOn: String
        var postedAtMicros: Int64

        /// The postings in the order the many-statement path listed them.
        func posted(pow: Int64) -> PostedTransaction {
            PostedTransaction(
                id: transactionId, kind: "points.exchanged",
                postings: [
                    LedgerPosting(account: powAccountId, unit: .pow, amount: -pow),
                    LedgerPosting(account: ZoneAccounts.issuance(.pow), unit: .pow, amount: pow),
                    LedgerPosting(account: ZoneAccounts.issuance(.points), unit: .points, amount: -points),
                    LedgerPosting(account: pointsAccountId, unit: .points, amount: points),
                ],
                postedAt: Date(timeIntervalSince1970: Double(postedAtMicros) / 1_000_000))
        }
    }

    let key: IdempotencyKey
    let nomadID: UUID
    let pow: Int64
    let today: ZoneDay

    func appendArguments(to bindings: inout PostgresBindings) throws {
        bindings.append(nomadID)
        bindings.append(pow)
        bindings.append(UUID())  // the points account, if this is the nomad's first
        bindings.append(UUID())
        bindings.append(UUID())
        bindings.append(today.iso)
    }
}
