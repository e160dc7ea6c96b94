import GRPCCore
import NomadKit
import NomadProtos
import SwiftProtobuf

/// One-card service performance, as public-service dashboards report it.
extension AnalyticsService {
    func getServicePerformance(
        request: Nomad_Analytics_V1_GetServicePerformanceRequest, context: ServerContext
    ) async throws -> Nomad_Analytics_V1_GetServicePerformanceResponse {
        _ = try caller
        let period = try ReportPeriod(request.period, hasPeriod: request.hasPeriod)
        let department = try Validate.text(request.department, "department", max: 64, required: false)
        let serviceCode = try Validate.text(request.serviceCode, "service_code", max: 64, required: false)
        let page = try Page(request.page)
        let (rows, total) = try await database.read { tx in
            try await ServicePerformanceQueries.page(
                tx, period: period, department: department.isEmpty ? nil : department,
                serviceCode: serviceCode.isEmpty ? nil : serviceCode, page: page)
        }
        return .with {
            $0.period = period.message
            $0.services = rows.prefix(page.limit).map(\.message)
            $0.total = total.message
            $0.page = page.response(fetched: rows.count)
        }
    }
}
