import Foundation
import NomadProtos

/// A KPI's sums by month as the query finds them; `before` is everything up
/// to the day before the period (a CUMULATIVE KPI counts it, the others get 0).
struct KpiMonthlyFigures: Sendable, Equatable {
    var byMonth: [String: Int64] = [:]
    var before: Int64 = 0
}

/// A KPI's monthly series over a period and area (nil = whole zone), with
/// the running total the KPI is judged by against its target.
struct KpiSeriesFigures: Sendable {
    struct Point: Sendable, Equatable {
        var month: String
        var value: Int64
        var runningTotal: Int64
    }

    let kpi: Kpi
    let period: ReportPeriod
    let area: String?
    let points: [Point]
    /// The figure set against the target: the last running total.
    let value: Int64

    init(kpi: Kpi, period: ReportPeriod, area: String?, monthly: KpiMonthlyFigures) {
        var running = kpi.targetKind == .cumulative ? monthly.before : 0
        points = period.months.map { month in
            let value = monthly.byMonth[month] ?? 0
            running = running.addingReportingOverflow(value).overflow ? .max : running + value
            return Point(month: month, value: value, runningTotal: running)
        }
        self.kpi = kpi
        self.period = period
        self.area = area
        self.value = running
    }

    var shareBasisPoints: Int64 { Self.shareBasisPoints(value, target: kpi.target) }

    /// value × 10000 / target, rounded down, without overflowing.
    static func shareBasisPoints(_ value: Int64, target: Int64) -> Int64 {
        guard target > 0, value > 0 else { return 0 }
        let whole = value / target, rest = value % target
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: 10_000)
        if overflow { return .max }
        return scaled + rest * 10_000 / target
    }
}
