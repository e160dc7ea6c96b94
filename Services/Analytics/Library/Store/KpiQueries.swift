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
    ) async throws -> KpiSeriesFigures {
        let cumulative = kpi.targetKind == .cumulative
        // `before` sums everything up to the day before the period, which a
        // CUMULATIVE KPI counts; the others skip it.
        let rows = try await tx.query(
            """
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
        var monthly = KpiMonthlyFigures()
        for try await (month, value) in rows.decode((String, Int64).self) {
            if month == "before" { monthly.before = value } else { monthly.byMonth[month] = value }
        }
        return KpiSeriesFigures(kpi: kpi, period: period, area: area, monthly: monthly)
    }
}
