import Foundation

/// What `transfer_points` and `redeem_points` (migration 15) store and
/// answer, the same on a retry: the posted transaction of a points move.
struct PointsMoved: Decodable, Sendable {
    var transactionId: UUID
    var fromAccountId: UUID
    var toAccountId: UUID
    var postedAtMicros: Int64

    func posted(kind: String, points: Int64) -> PostedTransaction {
        PostedTransaction(
            id: transactionId, kind: kind,
            postings: [
                LedgerPosting(account: fromAccountId, unit: .points, amount: -points),
                LedgerPosting(account: toAccountId, unit: .points, amount: points),
            ],
            postedAt: Date(timeIntervalSince1970: Double(postedAtMicros) / 1_000_000))
    }
}
