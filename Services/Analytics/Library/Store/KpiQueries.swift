import Foundation
import Logging
import NomadKit
import NomadProtos
import PostgresNIO

/// KPI figures computed at query time from ingested_events. `series` is the
/// one entry point: ListKpis, GetKpiSeries and the CSV export all use it, so
/// they always agree.
enum KpiQueries {
    /// The KPI's monthly series for the period and area (nil = whole zone),
    /// with its value against the target. The caller has checked that an
    /// area is only given for a by_area KPI.
    static func series(
        _ tx: Tx, kpi: Kpi, period: ReportPeriod, area: String?, settings: KpiSettings
    ) async throws -> Nomad_Analytics_V1_KpiSeries {
        let cumulative = kpi.targetKind == .cumulative
        // `before` sums everything up to the day before the period, which a
        // CUMULATIVE KPI counts; the others skip it.
        let rows = try await tx.query("""
            WITH params AS (
              SELECT \(period.from.iso)::date AS from_day, \(period.to.iso)::date AS to_day,
                     \(area)::text AS area, \(settings.superIndividualRevenueMinor)::bigint AS threshold),
            facts AS (\(unescaped: kpi.factsSQL))
            SELECT to_char(f.day, 'YYYY-MM'), coalesce(sum(f.value), 0)::bigint
            FROM facts f, params p WHERE f.day BETWEEN p.from_day AND p.to_day GROUP BY 1
            UNION ALL
            SELECT 'before', coalesce(sum(f.value), 0)::bigint
            FROM facts f, params p WHERE \(cumulative) AND f.day < p.from_day
            """)
        var byMonth: [String: Int64] = [:]
        var before: Int64 = 0
        for try await (month, value) in rows.decode((String, Int64).self) {
            if month == "before" { before = value } else { byMonth[month] = value }
        }
        var running = cumulative ? before : 0
        let points = period.months.map { month in
            let value = byMonth[month] ?? 0
            running = running.addingReportingOverflow(value).overflow ? .max : running + value
            return Nomad_Analytics_V1_KpiPoint.with {
                $0.month = month
                $0.value = value
                $0.runningTotal = running
            }
        }
        return .with {
            $0.progress = progress(kpi, value: running)
            $0.period = period.message
            $0.area = area.map { $0 == "core" ? .core : .linked } ?? .unspecified
            $0.points = points
        }
    }

    static func progress(_ kpi: Kpi, value: Int64) -> Nomad_Analytics_V1_KpiProgress {
        .with {
            $0.kpi = kpi.definition
            $0.value = value
            $0.shareBasisPoints = shareBasisPoints(value, target: kpi.target)
        }
    }

    /// value × 10000 / target, rounded down, without overflowing.
    static func shareBasisPoints(_ value: Int64, target: Int64) -> Int64 {
        guard target > 0, value > 0 else { return 0 }
        let whole = value / target, rest = value % target
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: 10_000)
        if overflow { return .max }
        return scaled + rest * 10_000 / target
    }
}
