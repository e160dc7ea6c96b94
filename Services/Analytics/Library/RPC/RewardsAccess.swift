import GRPCCore
import NomadKit
import NomadProtos

/// Rewards and service performance: an enterprise reads its own eligibility
/// (checked in the handler); everything zone-wide is for staff only.
enum RewardsAccess {
    typealias M = Nomad_Analytics_V1_AnalyticsService.Method

    static let rules: [MethodDescriptor: AccessPolicy.Rule] = [
        M.GetRewardEligibility.descriptor: .roles([.enterprise, .officer, .admin]),
        M.ListRewardEligibility.descriptor: .roles(AnalyticsAccess.staff),
        M.ListRewardTiers.descriptor: .roles(AnalyticsAccess.staff),
        M.GetServicePerformance.descriptor: .roles(AnalyticsAccess.staff),
    ]
}
