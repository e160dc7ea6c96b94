import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import SwiftProtobuf

/// KPI progress and monthly series, computed from ingested_events at query
/// time (KpiQueries). Public: the programme's figures against its published
/// targets are counts and sums over the whole zone or an area, never about a
/// person or an enterprise, so every caller, signed in or not, gets the same
/// answer (anonymous callers within the chassis' per-address rate limit).
extension AnalyticsService {
    func listKpis(request: Nomad_Analytics_V1_ListKpisRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_ListKpisResponse {
        let period = try ReportPeriod(request.period, hasPeriod: request.hasPeriod)
        let area = try KpiArea.name(request.area)
        // With an area, only the KPIs the area applies to.
        let settings = kpiSettings
        let kpis = settings.kpis.filter { area == nil || $0.byArea }
        // One snapshot for every KPI: the figures of one answer agree with each other.
        let progress = try await database.snapshot { tx in
            var result: [Nomad_Analytics_V1_KpiProgress] = []
            for kpi in kpis {
                result.append(
                    try await KpiQueries.series(
                        tx, kpi: kpi, period: period, area: area, settings: settings
                    ).progress)
            }
            return result
        }
        return .with {
            $0.period = period.message
            $0.kpis = progress
        }
    }

    func getKpiSeries(request: Nomad_Analytics_V1_GetKpiSeriesRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_KpiSeries
    {
        try await kpiSeries(request)
    }

    /// A checked series request answered: what GetKpiSeries returns and what
    /// the CSV export writes out (the caller's access is checked by the RPC).
    func kpiSeries(_ request: Nomad_Analytics_V1_GetKpiSeriesRequest) async throws -> Nomad_Analytics_V1_KpiSeries {
        let (kpi, period, area) = try Self.seriesQuery(request, settings: kpiSettings)
        let settings = kpiSettings
        return try await database.read { tx in
            try await KpiQueries.series(tx, kpi: kpi, period: period, area: area, settings: settings).message
        }
    }

    /// The events behind one month's figure (staff only: events name people).
    func listKpiEvents(
        request: Nomad_Analytics_V1_ListKpiEventsRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_ListKpiEventsResponse {
        let code = try Validate.text(request.code, "code", max: 64)
        let kpi = try kpiSettings.kpi(code).orNotFound("KPI \(code)")
        let month = try ReportPeriod(month: Validate.text(request.month, "month", max: 7))
        let area = try Self.area(request.area, of: kpi)
        let page = try Page(request.page)
        let settings = kpiSettings
        let answer = try await database.read { tx in
            try await KpiEventQueries.events(
                tx, kpi: kpi, month: month, area: area, settings: settings, page: page)
        }
        return .with {
            $0.kpi = kpi.definition
            $0.value = answer.value
            $0.eventCount = answer.eventCount
            $0.events = answer.events.prefix(page.limit).map(\.message)
            $0.page = page.response(fetched: answer.events.count)
        }
    }

    /// Checks a series request: a known code, a valid period, and an area
    /// only for a KPI counted by area. Shared with the CSV export.
    static func seriesQuery(
        _ request: Nomad_Analytics_V1_GetKpiSeriesRequest, settings: KpiSettings
    ) throws -> (Kpi, ReportPeriod, String?) {
        let code = try Validate.text(request.code, "code", max: 64)
        let kpi = try settings.kpi(code).orNotFound("KPI \(code)")
        let period = try ReportPeriod(request.period, hasPeriod: request.hasPeriod)
        return (kpi, period, try area(request.area, of: kpi))
    }

    /// An area only for a KPI counted by area.
    static func area(_ area: Nomad_Analytics_V1_Area, of kpi: Kpi) throws -> String? {
        let name = try KpiArea.name(area)
        if name != nil, !kpi.byArea {
            throw NomadError.invalid("area", zh: "指标 \(kpi.code) 不按区域统计", en: "KPI \(kpi.code) is not counted by area")
        }
        return name
    }
}
