import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER (helper A replaces this file): KPI progress and series.
extension AnalyticsService {
    func listKpis(request: Nomad_Analytics_V1_ListKpisRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_ListKpisResponse {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
    func getKpiSeries(request: Nomad_Analytics_V1_GetKpiSeriesRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_KpiSeries {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
}
