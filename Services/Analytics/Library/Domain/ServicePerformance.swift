import Foundation
import NomadProtos

/// One catalogue entry's figures (or the total row) as the store aggregates
/// them; the shares are derived here so every row computes them alike.
struct ServicePerformanceFigures: Sendable, Equatable {
    let serviceCode: String
    let department: String
    let received: Int64
    let completed: Int64
    /// Rounded to tenths by the store; nil when nothing was completed.
    let medianDays: Double?
    let p90Days: Double?
    /// The latest submission's limit; 0 on the total row.
    let timeLimitDays: Int32
    let overdue: Int64
    let averageRating: Double?
    let ratings: Int64

    /// Whole basis points, rounded down, so 2 of 3 is 6666.
    static func basisPoints(_ part: Int64, of whole: Int64) -> Int64 {
        whole > 0 ? part * 10_000 / whole : 0
    }
}
