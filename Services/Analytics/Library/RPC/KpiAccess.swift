import GRPCCore
import NomadKit
import NomadProtos

/// Reported figures and KPIs: reporters submit and read their own reports;
/// the KPIs against the programme's targets are public; the CSV export and
/// recognitions are for staff.
enum KpiAccess {
    typealias M = Nomad_Analytics_V1_AnalyticsService.Method

    static let rules: [MethodDescriptor: AccessPolicy.Rule] = [
        M.SubmitRevenueReport.descriptor: .roles([.enterprise, .nomad]),
        M.DecideRevenueReport.descriptor: .roles(AnalyticsAccess.staff),
        M.ListRevenueReports.descriptor: .roles([.enterprise, .nomad, .officer, .admin]),
        M.RecordRecognition.descriptor: .roles(AnalyticsAccess.staff),
        M.ListRecognitions.descriptor: .roles(AnalyticsAccess.staff),
        // Public: zone-wide aggregates, no person's or enterprise's figures.
        M.ListKpis.descriptor: .open,
        M.GetKpiSeries.descriptor: .open,
        M.ExportCsv.descriptor: .roles(AnalyticsAccess.staff),
        // The events behind a figure name people and enterprises.
        M.ListKpiEvents.descriptor: .roles(AnalyticsAccess.staff),
    ]
}
