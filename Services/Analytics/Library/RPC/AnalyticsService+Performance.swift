import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER (helper B replaces this file): one-card service performance.
extension AnalyticsService {
    func getServicePerformance(request: Nomad_Analytics_V1_GetServicePerformanceRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_GetServicePerformanceResponse {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
}
