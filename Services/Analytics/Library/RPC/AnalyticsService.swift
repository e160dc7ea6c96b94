import Foundation
import GRPCCore
import Logging
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// The analytics gRPC service. Each area's handlers live in their own
/// `AnalyticsService+Area.swift`; this file holds what they share. Nothing here
/// keeps state between calls: any replica answers any call the same way.
struct AnalyticsService: Nomad_Analytics_V1_AnalyticsService.SimpleServiceProtocol, ServiceHandlers {
    let database: Database
    let logger: Logger
    /// KPI thresholds and reward tiers, read once at start.
    let kpiSettings: KpiSettings
    let rewardTiers: RewardTiers

    init(context: ServiceContext, kpiSettings: KpiSettings = .defaults, rewardTiers: RewardTiers = .defaults) {
        database = context.database
        logger = context.logger
        self.kpiSettings = kpiSettings
        self.rewardTiers = rewardTiers
    }
}

/// What the executable and the tests start: the chassis definition of the
/// analytics service.
public enum AnalyticsDefinition: ServerDefinition {
    public static let serviceName = "analytics"

    public static func make(settings: AnalyticsSettings) -> ServiceDefinition {
        make(kpiSettings: settings.kpi, rewardTiers: settings.rewardTiers)
    }

    /// Tests pass the settings' parts explicitly.
    public static func make(kpiSettings: KpiSettings = .defaults, rewardTiers: RewardTiers = .defaults) -> ServiceDefinition {
        ServiceDefinition(
            name: "analytics",
            migrations: analyticsMigrations, appendOnlyTables: analyticsAppendOnlyTables,
            policy: AnalyticsAccess.policy,
            grpcServiceNames: [Nomad_Analytics_V1_AnalyticsService.descriptor.fullyQualifiedService],
            makeServices: { context in
                [AnalyticsService(context: context, kpiSettings: kpiSettings, rewardTiers: rewardTiers)]
            })
    }
}
