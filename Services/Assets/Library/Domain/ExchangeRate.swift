import Foundation
import NomadKit

/// The published POW → points exchange rate.
struct ExchangeRate: Sendable, Equatable {
    var version: Int32
    var pointsPerPow: Int64
    var pointsValidDays: Int32
    var effectiveFrom: Date
    var setBy: UUID?

    static func validate(pointsPerPow: Int64, validDays: Int32) throws {
        guard pointsPerPow > 0 else { throw LedgerErrors.amountNotPositive("points_per_pow") }
        guard pointsPerPow <= 1_000_000 else {
            throw NomadError.invalid("points_per_pow", zh: "不能超过 1000000", en: "at most 1000000")
        }
        guard (1...3650).contains(validDays) else {
            throw NomadError.invalid("points_valid_days", zh: "须在 1 到 3650 之间", en: "must be 1 to 3650")
        }
    }

    /// Points for `pow` units, refusing an overflow rather than wrapping.
    func points(for pow: Int64) throws -> Int64 {
        let (points, overflow) = pow.multipliedReportingOverflow(by: pointsPerPow)
        guard !overflow, points <= LedgerRules.maxAmount else { throw LedgerErrors.amountTooLarge }
        return points
    }
}
