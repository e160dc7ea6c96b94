import Foundation
import Logging
import NomadKit
import PostgresNIO

/// One pass of the expiry sweep inside the caller's transaction: the
/// SweepExpired RPC runs one pass in its mutation; the background task runs
/// passes, each in its own transaction, until one finds nothing to do.
enum ExpirySweep {
    struct Summary: Sendable {
        var accounts = 0
        var lots = 0
        var points: Int64 = 0
        var vouchers: Int64 = 0
    }

    static let batch = 500

    static func pass(_ tx: Tx, before day: ZoneDay) async throws -> Summary {
        var summary = Summary()
        for account in try await ExpiryStore.candidates(tx, before: day, limit: batch) {
            guard let expired = try await ExpiryStore.sweep(tx, account: account, before: day) else {
                continue
            }
            summary.accounts += 1
            summary.lots += expired.lots
            if expired.unit == .voucher { summary.vouchers += expired.amount } else { summary.points += expired.amount }
            try await Outbox.append(
                tx,
                AssetsEvents.PointsExpired(
                    subjects: .init(ownerID: expired.ownerID.text, accountID: account.text),
                    payload: .init(ownerID: expired.ownerID.text, unit: expired.unit.rawValue, amount: expired.amount)))
        }
        return summary
    }

    /// The chassis background task: safe on every replica at once, since a
    /// pass skips accounts another pass holds.
    static func task(_ database: Database) -> BackgroundTask {
        BackgroundTask(name: "expire-points-and-vouchers", interval: .seconds(3600)) {
            while true {
                let summary = try await database.transaction { tx in
                    try await pass(tx, before: .today())
                }
                if summary.accounts == 0 { break }
            }
        }
    }
}
