import NomadKit
import NomadProtos

/// Which roles may call each analytics RPC.
enum AnalyticsAccess {
    typealias M = Nomad_Analytics_V1_AnalyticsService.Method

    static let staff: Set<Role> = [.officer, .admin]

    static let policy = AccessPolicy(
        PipelineAccess.rules
            .merging(KpiAccess.rules) { _, _ in fatalError("duplicate rule") }
            .merging(RewardsAccess.rules) { _, _ in fatalError("duplicate rule") }
            .merging([M.ListAuditEntries.descriptor: .roles(staff)]) { _, _ in fatalError("duplicate rule") },
        owners: AnalyticsDecisionOwners.table)
}
