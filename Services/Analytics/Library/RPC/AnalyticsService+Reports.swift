import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER (helper A replaces this file): revenue reports and recognitions.
extension AnalyticsService {
    func submitRevenueReport(request: Nomad_Analytics_V1_SubmitRevenueReportRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_RevenueReport {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
    func decideRevenueReport(request: Nomad_Analytics_V1_DecideRevenueReportRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_RevenueReport {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
    func listRevenueReports(request: Nomad_Analytics_V1_ListRevenueReportsRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_ListRevenueReportsResponse {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
    func recordRecognition(request: Nomad_Analytics_V1_RecordRecognitionRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_Recognition {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
    func listRecognitions(request: Nomad_Analytics_V1_ListRecognitionsRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_ListRecognitionsResponse {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
}
