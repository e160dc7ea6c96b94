import NomadKit
import NomadProtos

/// Which roles may call each analytics RPC.
enum AnalyticsAccess {
    typealias M = Nomad_Analytics_V1_AnalyticsService.Method

    static let staff: Set<Role> = [.officer, .admin]

    static let policy = AccessPolicy(
        areas: [PipelineAccess.rules, KpiAccess.rules, RewardsAccess.rules, [M.ListAuditEntries.descriptor: .roles(staff)]],
        owners: AnalyticsDecisionOwners.table)
}
