import GRPCCore
import NomadKit
import NomadProtos

/// Reported figures and KPIs: reporters submit and read their own reports;
/// zone-wide figures are for staff only.
enum KpiAccess {
    typealias M = Nomad_Analytics_V1_AnalyticsService.Method

    static let rules: [MethodDescriptor: AccessPolicy.Rule] = [
        M.SubmitRevenueReport.descriptor: .roles([.enterprise, .nomad]),
        M.DecideRevenueReport.descriptor: .roles(AnalyticsAccess.staff),
        M.ListRevenueReports.descriptor: .roles([.enterprise, .nomad, .officer, .admin]),
        M.RecordRecognition.descriptor: .roles(AnalyticsAccess.staff),
        M.ListRecognitions.descriptor: .roles(AnalyticsAccess.staff),
        M.ListKpis.descriptor: .roles(AnalyticsAccess.staff),
        M.GetKpiSeries.descriptor: .roles(AnalyticsAccess.staff),
        M.ExportCsv.descriptor: .roles(AnalyticsAccess.staff),
    ]
}
