import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER (helper B replaces this file): reward eligibility and tiers.
extension AnalyticsService {
    func getRewardEligibility(request: Nomad_Analytics_V1_GetRewardEligibilityRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_RewardEligibility {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
    func listRewardEligibility(request: Nomad_Analytics_V1_ListRewardEligibilityRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_ListRewardEligibilityResponse {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
    func listRewardTiers(request: Nomad_Analytics_V1_ListRewardTiersRequest, context: ServerContext) async throws -> Nomad_Analytics_V1_ListRewardTiersResponse {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
}
